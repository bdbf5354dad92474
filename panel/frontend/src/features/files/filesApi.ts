import { baseApi } from '../../shared/api/baseApi';
import type { Commit, FileObject, FileTree, Problem, RequestBody } from '../../shared/api/models';

export interface SaveFileArgs {
  path: string;
  body: RequestBody<'/api/files/{path}', 'put'>;
}

export interface ValidateResult {
  problems: Problem[];
}

/** File paths go into the URL segment by segment, so folders keep their slashes. */
export function filePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export const filesApi = baseApi.injectEndpoints({
  endpoints: (build) => ({
    fileTree: build.query<FileTree, { rev?: string } | void>({
      query: (arg) => ({ url: '/api/files', params: { rev: arg?.rev, limit: 500 } }),
      providesTags: ['Tree'],
    }),
    file: build.query<FileObject, { path: string; rev?: string }>({
      query: ({ path, rev }) => ({ url: `/api/files/${filePath(path)}`, params: { rev } }),
      providesTags: (_r, _e, { path }) => [{ type: 'File', id: path }],
    }),
    saveFile: build.mutation<Commit, SaveFileArgs>({
      query: ({ path, body }) => ({ url: `/api/files/${filePath(path)}`, method: 'PUT', body }),
      invalidatesTags: (_r, error, { path }) =>
        error ? [] : ['Tree', 'History', 'Status', 'Libraries', { type: 'File', id: path }],
    }),
    /** One commit of several creates, updates, deletes and renames (`POST /api/files`). */
    batchFiles: build.mutation<Commit, RequestBody<'/api/files', 'post'>>({
      query: (body) => ({ url: '/api/files', method: 'POST', body }),
      invalidatesTags: (_r, error) =>
        error ? [] : ['Tree', 'History', 'Status', 'Libraries', 'File', 'Collections'],
    }),
    deleteFile: build.mutation<Commit, { path: string; base: string; message?: string }>({
      query: ({ path, base, message }) => ({
        url: `/api/files/${filePath(path)}`,
        method: 'DELETE',
        params: { base, message },
      }),
      invalidatesTags: (_r, error) => (error ? [] : ['Tree', 'History', 'Status', 'File']),
    }),
  }),
});

export const {
  useFileTreeQuery,
  useFileQuery,
  useSaveFileMutation,
  useDeleteFileMutation,
  useBatchFilesMutation,
} = filesApi;
