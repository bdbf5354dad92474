import { baseApi, callApi } from '../../shared/api/baseApi';
import type { ApiFailure } from '../../shared/api/errors';
import type { Commit, Libraries, LibraryDetail, Problem } from '../../shared/api/models';

export interface CollectionEntry {
  id: string;
  file: string;
  name: string;
  line: number;
  definition: Record<string, unknown> | unknown;
  inherited: string[];
  yaml: string;
}

export interface CollectionObject extends CollectionEntry {
  blob: string;
  commit: string;
}

export interface PreviewItem {
  rating_key: number;
  title: string;
  year: number | null;
  poster: string | null;
}

export interface PreviewAnswer {
  commit: string;
  library: string;
  section: { id: number; title: string; type: string };
  name: string;
  smart: boolean;
  smart_query: string | null;
  total: number;
  filtered_out: number;
  problems: Problem[];
  listed_at: string;
  items: PreviewItem[];
  next_cursor: string | null;
}

export interface PreviewArgs {
  library: string;
  yaml: string;
  file?: string;
  name?: string;
}

/** Which config.yml libraries (name and Plex type) each collection id is built in. */
export interface LibraryIndex {
  libraries: { name: string; type: string | null }[];
  byId: Record<string, string[]>;
}

export function entryUrl(id: string): string {
  return `/api/collections/${encodeURIComponent(id)}`;
}

export const collectionsApi = baseApi.injectEndpoints({
  endpoints: (build) => ({
    /** Every collection across files (the API pages; the list page filters them all in the browser). */
    collections: build.query<{ commit: string; items: CollectionEntry[] }, void>({
      async queryFn(_arg, api) {
        const token = () => (api.getState() as { auth: { accessToken: string | null } }).auth.accessToken;
        const items: CollectionEntry[] = [];
        let cursor: string | null = null;
        let commit = '';
        do {
          type Listing = { commit: string; items: CollectionEntry[]; next_cursor: string | null };
          const page: { data: Listing } | { error: ApiFailure } = await callApi<{
            commit: string;
            items: CollectionEntry[];
            next_cursor: string | null;
          }>(
            { url: '/api/collections', params: { limit: 500, cursor, rev: commit || undefined } },
            token(),
            api.signal,
          );
          if ('error' in page) return { error: page.error };
          commit = page.data.commit;
          items.push(...page.data.items);
          cursor = page.data.next_cursor;
        } while (cursor);
        return { data: { commit, items } };
      },
      providesTags: ['Collections'],
    }),
    collection: build.query<CollectionObject, string>({
      query: (id) => ({ url: entryUrl(id) }),
      providesTags: (_r, _e, id) => [{ type: 'Collections', id }],
    }),
    libraryIndex: build.query<LibraryIndex, void>({
      async queryFn(_arg, api) {
        const token = () => (api.getState() as { auth: { accessToken: string | null } }).auth.accessToken;
        const list = await callApi<Libraries>(
          { url: '/api/libraries', params: { limit: 500 } },
          token(),
          api.signal,
        );
        if ('error' in list) return { error: list.error };
        const index: LibraryIndex = { libraries: [], byId: {} };
        for (const library of list.data.items) {
          for (const use of library.config) {
            index.libraries.push({ name: use.name, type: library.type });
            const detail = await callApi<LibraryDetail>(
              { url: `/api/libraries/${encodeURIComponent(use.name)}` },
              token(),
              api.signal,
            );
            if ('error' in detail) continue;
            for (const entry of detail.data.collections) {
              if (entry.id) (index.byId[entry.id] ??= []).push(use.name);
            }
          }
        }
        return { data: index };
      },
      providesTags: ['Libraries', 'Collections'],
    }),
    saveCollection: build.mutation<Commit, { id: string; yaml: string; base: string; message: string }>({
      query: ({ id, ...body }) => ({ url: entryUrl(id), method: 'PUT', body }),
      invalidatesTags: (_r, error) => (error ? [] : ['Collections', 'Tree', 'File', 'History', 'Libraries']),
    }),
    createCollection: build.mutation<
      Commit,
      { file: string; name: string; yaml: string; base: string; message: string }
    >({
      query: (body) => ({ url: '/api/collections', method: 'POST', body }),
      invalidatesTags: (_r, error) => (error ? [] : ['Collections', 'Tree', 'File', 'History', 'Libraries']),
    }),
    deleteCollection: build.mutation<Commit, { id: string; base: string; message: string }>({
      query: ({ id, base, message }) => ({ url: entryUrl(id), method: 'DELETE', params: { base, message } }),
      invalidatesTags: (_r, error) => (error ? [] : ['Collections', 'Tree', 'File', 'History', 'Libraries']),
    }),
    previewCollection: build.query<PreviewAnswer, PreviewArgs>({
      query: (body) => ({ url: '/api/collections/preview', method: 'POST', body, params: { limit: 60 } }),
    }),
  }),
});

export const {
  useCollectionsQuery,
  useCollectionQuery,
  useLibraryIndexQuery,
  useSaveCollectionMutation,
  useCreateCollectionMutation,
  useDeleteCollectionMutation,
  usePreviewCollectionQuery,
} = collectionsApi;
