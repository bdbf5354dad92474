import { Button, Stack } from '@mui/material';
import { useCallback, useState } from 'react';

/** The cursors of the pages walked so far; the current page is the last (none: the first page). */
export function useCursorPages() {
  const [cursors, setCursors] = useState<string[]>([]);
  const older = useCallback((next: string) => setCursors((c) => [...c, next]), []);
  const newer = useCallback(() => setCursors((c) => c.slice(0, -1)), []);
  const reset = useCallback(() => setCursors([]), []);
  return { cursor: cursors[cursors.length - 1], depth: cursors.length, older, newer, reset };
}

/** Newer / Older buttons over an API list paged by opaque cursor. */
export function CursorPager({
  pages,
  nextCursor,
}: {
  pages: ReturnType<typeof useCursorPages>;
  nextCursor: string | null | undefined;
}) {
  return (
    <Stack direction="row" spacing={1} sx={{ mt: 2 }}>
      <Button disabled={pages.depth === 0} onClick={pages.newer}>
        Newer
      </Button>
      <Button disabled={!nextCursor} onClick={() => nextCursor && pages.older(nextCursor)}>
        Older
      </Button>
    </Stack>
  );
}
