import { baseApi } from '../../shared/api/baseApi';
import type { Libraries, SystemStatus } from '../../shared/api/models';

export const systemApi = baseApi.injectEndpoints({
  endpoints: (build) => ({
    systemStatus: build.query<SystemStatus, void>({
      query: () => ({ url: '/api/system/status' }),
      providesTags: ['Status'],
    }),
    libraries: build.query<Libraries, { refresh?: boolean } | void>({
      query: (arg) => ({ url: '/api/libraries', params: { refresh: arg?.refresh ? 1 : undefined } }),
      providesTags: ['Libraries'],
    }),
  }),
});

export const { useSystemStatusQuery, useLibrariesQuery } = systemApi;
