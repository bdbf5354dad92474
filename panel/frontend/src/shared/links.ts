// Deep links between features (ui.md: every object has an address a user can paste).
import type { Library } from './api/models';

/** A library's page: by its config.yml name when it has one (stable across Plex servers), else by its
 * Plex section key; null when it has neither. */
export function libraryLink(library: Pick<Library, 'id' | 'config'>): string | null {
  const name = library.config[0]?.name;
  if (name) return `/libraries/${encodeURIComponent(name)}`;
  return library.id === null ? null : `/libraries/${library.id}`;
}

/** The Files editor at a line of a repository file. */
export function fileLink(file: string, line?: number | null): string {
  return `/files/${file}${line ? `?line=${line}` : ''}`;
}

/** A collection's editor: `/collections/<file>/<name>`. */
export function collectionLink(file: string, name: string): string {
  return `/collections/${file}/${encodeURIComponent(name)}`;
}

/** `{file, name}` of a collection editor's splat (`collections/movies.yml/Top%20Rated`): the file ends at
 * the first segment named like a YAML file; null when there is none or no name follows. */
export function parseCollectionSplat(splat: string): { file: string; name: string } | null {
  const parts = splat.split('/');
  const end = parts.findIndex((part) => /\.ya?ml$/i.test(part));
  if (end < 0 || end === parts.length - 1) return null;
  const name = parts.slice(end + 1).join('/');
  try {
    return { file: parts.slice(0, end + 1).join('/'), name: decodeURIComponent(name) };
  } catch {
    return { file: parts.slice(0, end + 1).join('/'), name };
  }
}
