import type { CollectionEntry, LibraryIndex } from './collectionsApi';
import { builderOf } from './form';

export interface CollectionFilters {
  q: string;
  file: string;
  library: string;
  builder: string;
}

/** The entries matching every filter: a name search (case-insensitive), a file, a library they are
 * built in and the builder they use. */
export function filterCollections(
  items: CollectionEntry[],
  filters: CollectionFilters,
  index: LibraryIndex | undefined,
): CollectionEntry[] {
  const q = filters.q.trim().toLowerCase();
  return items.filter(
    (item) =>
      (!q || item.name.toLowerCase().includes(q)) &&
      (!filters.file || item.file === filters.file) &&
      (!filters.builder || builderOf(item.definition) === filters.builder) &&
      (!filters.library || (index?.byId[item.id] ?? []).includes(filters.library)),
  );
}
