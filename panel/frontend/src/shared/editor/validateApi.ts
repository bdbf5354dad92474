import { baseApi } from '../api/baseApi';
import type { Problem } from '../api/models';

export interface ValidateArgs {
  base: string;
  changes: { path: string; content: string }[];
}

/** `POST /api/validate`: the problems of the tree as it would be, committing nothing. */
export const validateApi = baseApi.injectEndpoints({
  endpoints: (build) => ({
    validateChanges: build.query<{ problems: Problem[] }, ValidateArgs>({
      query: (body) => ({ url: '/api/validate', method: 'POST', body }),
      keepUnusedDataFor: 0,
    }),
  }),
});

export const { useValidateChangesQuery } = validateApi;
