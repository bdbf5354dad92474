import { useCallback, useState } from 'react';

/** An edit not yet committed, kept in the browser so a reload or a crash loses nothing. */
export interface Draft {
  content: string;
  /** The commit the edit started from (the `base` of the eventual PUT). */
  base: string;
  savedAt: string;
}

const PREFIX = 'kometa-panel.draft:';

export function draftKey(path: string): string {
  return PREFIX + path;
}

export function readDraft(path: string, storage: Storage = localStorage): Draft | null {
  try {
    const raw = storage.getItem(draftKey(path));
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<Draft>;
    return typeof value.content === 'string' && typeof value.base === 'string'
      ? { content: value.content, base: value.base, savedAt: value.savedAt ?? '' }
      : null;
  } catch {
    return null;
  }
}

export function writeDraft(path: string, draft: Draft | null, storage: Storage = localStorage): void {
  try {
    if (draft) storage.setItem(draftKey(path), JSON.stringify(draft));
    else storage.removeItem(draftKey(path));
  } catch {
    /* storage full or disabled: the edit still lives in the editor */
  }
}

/** Every path with a draft, for marking files in the tree. */
export function draftPaths(storage: Storage = localStorage): string[] {
  const paths: string[] = [];
  for (let i = 0; i < storage.length; i += 1) {
    const key = storage.key(i);
    if (key?.startsWith(PREFIX)) paths.push(key.slice(PREFIX.length));
  }
  return paths.sort();
}

/**
 * The draft of one file. `save` stores text that differs from the committed version (and drops the draft
 * when the text is back to it); `discard` drops it. Callers key their component by path.
 */
export function useDraft(path: string) {
  const [draft, setDraft] = useState<Draft | null>(() => readDraft(path));
  const save = useCallback(
    (content: string, base: string, committed: string) => {
      const next = content === committed ? null : { content, base, savedAt: new Date().toISOString() };
      writeDraft(path, next);
      setDraft(next);
    },
    [path],
  );
  const discard = useCallback(() => {
    writeDraft(path, null);
    setDraft(null);
  }, [path]);
  return { draft, save, discard };
}
