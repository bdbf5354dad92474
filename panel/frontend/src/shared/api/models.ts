// Response shapes of the panel API (the OpenAPI document types request bodies; answers are one envelope).
import type { paths } from '../../api/schema';

export type Role = 'admin' | 'editor' | 'viewer';

export interface User {
  id: number;
  username: string;
  role: Role;
  created_at: string;
  disabled: boolean;
}

export interface Session {
  access_token: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
  user: User;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Problem {
  file: string | null;
  line: number | null;
  column: number | null;
  pointer: string;
  severity: 'error' | 'warning' | string;
  code: string;
  message: string;
  hint: string | null;
}

export interface Author {
  name: string;
  email: string;
}

export interface Commit {
  sha: string;
  author: Author;
  message: string;
  time: string;
  parents: string[];
  files: string[];
  unchanged?: boolean;
}

export interface TreeEntry {
  path: string;
  blob: string;
  size: number;
}

export interface FileTree extends Page<TreeEntry> {
  commit: string;
}

export interface FileObject {
  path: string;
  content: string;
  blob: string;
  commit: string;
}

export interface ConflictFile {
  path: string;
  theirs: string | null;
  yours: string | null;
}

export interface ConflictDetails {
  base: string;
  head: string;
  paths: string[];
  files: ConflictFile[];
}

export interface ServiceState {
  url?: string | null;
  reachable?: boolean;
  error?: string | null;
  version?: string | null;
  friendly_name?: string | null;
}

export interface SystemStatus {
  git: { head: string | null; branch: string; error?: string };
  plex: ServiceState;
  redis: ServiceState;
  disk: { data_dir: string; free_bytes: number; total_bytes: number };
  version: string;
}

export interface LibraryConfigUse {
  name: string;
  library_name: string;
  line: number;
  files: number;
  external: number;
  unsupported: number;
  collections: number;
  dynamic_collections: number;
  overlays: number;
  errors: number;
}

export interface Library {
  id: string | number | null;
  title: string;
  type: string | null;
  agent: string | null;
  item_count: number | null;
  collection_count: number | null;
  in_plex: boolean | null;
  config: LibraryConfigUse[];
}

export interface Libraries extends Page<Library> {
  commit: string;
  plex: ServiceState & { cached?: boolean; fetched_at?: string | null };
  config: { path: string; found: boolean; error: string | null };
}

export interface FileDiff {
  status: string;
  path: string;
  old_path?: string | null;
  binary: boolean;
  hunks: { header: string; lines: string[] }[];
}

export interface Diff {
  unified: string;
  files: FileDiff[];
}

export interface Token {
  id: number;
  name: string;
  scopes: string[];
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  token?: string;
}

export interface SecretUse {
  file: string;
  line: number;
}

export interface Secret {
  name: string;
  created_at?: string;
  updated_at?: string;
  used_in?: SecretUse[];
}

export interface Secrets extends Page<Secret> {
  missing: { name: string; used_in: SecretUse[] }[];
}

export interface AuditEntry {
  id: number;
  time: string;
  user: string;
  action: string;
  target: string | null;
  source: string;
  details: Record<string, unknown>;
}

/** The JSON body an operation takes, read from the generated OpenAPI types. */
export type RequestBody<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

export interface PlexCollection {
  rating_key: number;
  title: string;
  smart: boolean;
  child_count: number | null;
  labels: string[];
  kometa_label: boolean;
  in_config: boolean;
  managed: boolean;
}

/** A collection, dynamic collection or overlay config.yml's files define for a library. */
export interface ConfigEntry {
  id: string | null;
  name: string;
  file: string;
  source: string;
  line: number;
  library: string;
  templated: boolean;
  in_plex: boolean;
  builds?: { title: string; in_plex: boolean }[];
}

export interface LibraryDetail extends Omit<Library, 'config'> {
  commit: string;
  plex: ServiceState & { cached?: boolean; fetched_at?: string };
  config: { path: string; found: boolean; error: unknown };
  libraries: { name: string; library_name: string; line: number }[];
  plex_collections: PlexCollection[] | null;
  collections: ConfigEntry[];
  dynamic_collections: ConfigEntry[];
  overlays: ConfigEntry[];
}
