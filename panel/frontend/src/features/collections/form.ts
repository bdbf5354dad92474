// The collection form's view of a definition's YAML: the common keys read from and written back into the
// text with `yaml`'s document model, so comments and every other key stay as the user wrote them.
import { Document, isMap, parseDocument } from 'yaml';

export type LibraryType = 'movie' | 'show' | 'artist' | string;

export interface Builder {
  key: string;
  label: string;
  /** Library types it builds for; empty: any. */
  types: LibraryType[];
  /** A starting value when the user picks it. */
  starter: unknown;
}

export const BUILDERS: Builder[] = [
  { key: 'plex_search', label: 'Plex search', types: [], starter: { all: { genre: 'Action' } } },
  { key: 'smart_filter', label: 'Plex smart filter', types: [], starter: { all: { genre: 'Action' } } },
  { key: 'plex_all', label: 'Everything in the library', types: [], starter: true },
  { key: 'plex_collectionless', label: 'Items in no collection', types: [], starter: true },
  { key: 'tmdb_collection', label: 'TMDb collection', types: ['movie'], starter: 10 },
  { key: 'tmdb_movie', label: 'TMDb movies', types: ['movie'], starter: [603] },
  { key: 'tmdb_show', label: 'TMDb shows', types: ['show'], starter: [1399] },
  { key: 'tmdb_list', label: 'TMDb list', types: [], starter: 1 },
  { key: 'imdb_list', label: 'IMDb list', types: [], starter: 'https://www.imdb.com/list/ls000000000/' },
  { key: 'imdb_id', label: 'IMDb ids', types: [], starter: ['tt0133093'] },
  { key: 'trakt_list', label: 'Trakt list', types: [], starter: 'https://trakt.tv/users/me/lists/favorites' },
  { key: 'tvdb_show', label: 'TVDb shows', types: ['show'], starter: [81189] },
  { key: 'mdblist_list', label: 'MDBList list', types: [], starter: 'https://mdblist.com/lists/me/list' },
  {
    key: 'letterboxd_list',
    label: 'Letterboxd list',
    types: ['movie'],
    starter: 'https://letterboxd.com/me/list/x/',
  },
];

/** Attributes a Plex search or smart filter takes for a library type (the common ones). */
export const SEARCH_ATTRIBUTES: Record<string, string[]> = {
  movie: [
    'genre',
    'year',
    'decade',
    'actor',
    'director',
    'studio',
    'content_rating',
    'resolution',
    'critic_rating',
    'audience_rating',
    'duration',
    'label',
    'unplayed',
    'added',
  ],
  show: [
    'genre',
    'year',
    'decade',
    'actor',
    'network',
    'studio',
    'content_rating',
    'critic_rating',
    'audience_rating',
    'label',
    'unplayed',
    'added',
  ],
  artist: ['genre', 'country', 'mood', 'style', 'label', 'added'],
};

/** Write back as the server reads: no padding inside flow collections, no folding of long lines. */
const KEEP_STYLE = { flowCollectionPadding: false, lineWidth: 0 };

export const COLLECTION_ORDERS = ['release', 'alpha', 'critic_rating', 'audience_rating', 'added', 'custom'];
export const SYNC_MODES = ['append', 'sync'];
export const TEXT_FIELDS = ['summary', 'sort_title', 'collection_order', 'sync_mode', 'schedule'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

export interface FormState {
  builder: string | null;
  summary: string;
  sort_title: string;
  collection_order: string;
  sync_mode: string;
  schedule: string;
}

export function buildersFor(type: LibraryType | null | undefined): Builder[] {
  return BUILDERS.filter((b) => !type || b.types.length === 0 || b.types.includes(type));
}

/** The first builder key the definition uses (in Kometa a collection may have several). */
export function builderOf(definition: unknown): string | null {
  if (!definition || typeof definition !== 'object') return null;
  const keys = Object.keys(definition);
  return BUILDERS.find((b) => keys.includes(b.key))?.key ?? keys.find(isBuilderKey) ?? null;
}

function isBuilderKey(key: string): boolean {
  return /^(plex|tmdb|tvdb|imdb|trakt|mdblist|letterboxd|anidb|anilist|mal|tautulli|mojo)_/.test(key);
}

/** The form's fields read from `text`; null when it is not a YAML mapping (the form then waits for the
 * YAML tab to be fixed). */
export function readForm(text: string): FormState | null {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return null;
  const value: unknown = doc.toJS();
  if (value !== null && (typeof value !== 'object' || Array.isArray(value))) return null;
  const map = (value ?? {}) as Record<string, unknown>;
  const text_ = (key: TextField) => (map[key] === undefined || map[key] === null ? '' : String(map[key]));
  return {
    builder: builderOf(map),
    summary: text_('summary'),
    sort_title: text_('sort_title'),
    collection_order: text_('collection_order'),
    sync_mode: text_('sync_mode'),
    schedule: text_('schedule'),
  };
}

/** `text` as a document to edit: a new empty mapping for empty text, null unless it is a mapping. */
function mappingDocument(text: string): Document | null {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return null;
  if (doc.contents === null) return new Document({});
  return isMap(doc.contents) ? doc : null;
}

/** `text` with one text field set (an empty value removes the key); other keys and comments kept. */
export function writeField(text: string, field: TextField, value: string): string {
  const doc = mappingDocument(text);
  if (!doc) return text;
  if (value === '') doc.delete(field);
  else doc.set(field, value);
  return doc.toString(KEEP_STYLE);
}

/** `text` with its builder changed to `key`: the old builder's key is removed and the new one gets a
 * starting value (kept when the definition already uses `key`). */
export function writeBuilder(text: string, key: string): string {
  const doc = mappingDocument(text);
  if (!doc) return text;
  const current = builderOf(doc.toJS());
  if (current === key) return text;
  if (current) doc.delete(current);
  const starter = BUILDERS.find((b) => b.key === key)?.starter ?? true;
  doc.set(key, doc.createNode(starter));
  return doc.toString(KEEP_STYLE);
}
