/**
 * Which of the project's JSON Schemas (served at /schemas/NAME.json) describes a repository file: the
 * same mapping as the config repository's .vscode/settings.json, plus the overlay, playlist and metadata
 * folders.
 */
export const SCHEMA_FILES: { name: string; files?: string[]; folder?: string }[] = [
  { name: 'config', files: ['config.yml', 'config.yaml'] },
  { name: 'collection', folder: 'collections/' },
  { name: 'overlay', folder: 'overlays/' },
  { name: 'playlist', folder: 'playlists/' },
  { name: 'metadata', folder: 'metadata/' },
];

const YAML = /\.ya?ml$/i;

/** The in-editor URI of a repository path; schema associations match against it. */
export function modelUri(path: string): string {
  return `file:///repo/${path}`;
}

/** monaco-yaml's fileMatch patterns for one schema (its `*` matches across folders). */
export function fileMatchFor(entry: (typeof SCHEMA_FILES)[number]): string[] {
  if (entry.files) return entry.files.map(modelUri);
  return [modelUri(`${entry.folder}*.yml`), modelUri(`${entry.folder}*.yaml`)];
}

/** The schema name for `path`, or null for files no schema covers (README.md, .gitignore...). */
export function schemaFor(path: string): string | null {
  if (!YAML.test(path)) return null;
  const entry = SCHEMA_FILES.find((item) =>
    item.files ? item.files.includes(path) : path.startsWith(item.folder ?? '\0'),
  );
  return entry?.name ?? null;
}

/** Monaco's language for a path: YAML for .yml/.yaml, JSON, Markdown, else plain text. */
export function languageFor(path: string): string {
  if (YAML.test(path)) return 'yaml';
  if (/\.json$/i.test(path)) return 'json';
  if (/\.md$/i.test(path)) return 'markdown';
  return 'plaintext';
}
