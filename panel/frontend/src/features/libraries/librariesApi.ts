import { baseApi } from '../../shared/api/baseApi';
import type { LibraryDetail } from '../../shared/api/models';

export const librariesApi = baseApi.injectEndpoints({
  endpoints: (build) => ({
    library: build.query<LibraryDetail, { ident: string; refresh?: boolean }>({
      query: ({ ident, refresh }) => ({
        url: `/api/libraries/${encodeURIComponent(ident)}`,
        params: { refresh: refresh ? 1 : undefined },
      }),
      providesTags: ['Libraries'],
    }),
  }),
});

export const { useLibraryQuery } = librariesApi;
