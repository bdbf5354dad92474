import { baseApi } from '../../shared/api/baseApi';
import type { Commit, Diff, Page } from '../../shared/api/models';

export interface HistoryArgs {
  path?: string;
  cursor?: string;
  limit?: number;
}

export const historyApi = baseApi.injectEndpoints({
  endpoints: (build) => ({
    history: build.query<Page<Commit>, HistoryArgs>({
      query: ({ path, cursor, limit }) => ({
        url: '/api/history',
        params: { path, cursor, limit: limit ?? 50 },
      }),
      providesTags: ['History'],
    }),
    commit: build.query<Commit, string>({
      query: (sha) => ({ url: `/api/history/${encodeURIComponent(sha)}` }),
      providesTags: ['History'],
    }),
    diff: build.query<Diff, { from: string; to: string; path?: string }>({
      query: ({ from, to, path }) => ({ url: '/api/diff', params: { from, to, path } }),
    }),
    revert: build.mutation<Commit, { sha: string; message?: string }>({
      query: ({ sha, message }) => ({
        url: `/api/history/${encodeURIComponent(sha)}/revert`,
        method: 'POST',
        body: message ? { message } : {},
      }),
      invalidatesTags: (_r, error) => (error ? [] : ['History', 'Tree', 'File', 'Status', 'Libraries']),
    }),
    /** Make `path` (or the whole tree) as it was at `sha`, as a new commit. */
    restore: build.mutation<Commit, { sha: string; path?: string; message?: string }>({
      query: ({ sha, path, message }) => ({
        url: `/api/history/${encodeURIComponent(sha)}/restore`,
        method: 'POST',
        body: { ...(path ? { path } : {}), ...(message ? { message } : {}) },
      }),
      invalidatesTags: (_r, error) =>
        error ? [] : ['History', 'Tree', 'File', 'Status', 'Libraries', 'Collections'],
    }),
  }),
});

export const { useHistoryQuery, useCommitQuery, useDiffQuery, useRevertMutation, useRestoreMutation } =
  historyApi;
