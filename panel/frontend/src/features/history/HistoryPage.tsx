import {
  Alert,
  Avatar,
  Box,
  Chip,
  Skeleton,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Tooltip,
  Typography,
} from '@mui/material';
import { Link as RouterLink, useSearchParams } from 'react-router-dom';
import type { Commit } from '../../shared/api/models';
import { CursorPager, useCursorPages } from '../../shared/CursorPager';
import { ErrorAlert } from '../../shared/ErrorAlert';
import { shortSha, timeAgo } from '../../shared/time';
import { useHistoryQuery } from './historyApi';

/** The client-side filters (author, text) the list applies on top of the server's path filter. */
export function matchesFilters(commit: Commit, author: string, text: string): boolean {
  const who = author.trim().toLowerCase();
  const what = text.trim().toLowerCase();
  return (
    (!who ||
      commit.author.name.toLowerCase().includes(who) ||
      commit.author.email.toLowerCase().includes(who)) &&
    (!what || commit.message.toLowerCase().includes(what) || commit.sha.startsWith(what))
  );
}

export default function HistoryPage() {
  const [params, setParams] = useSearchParams();
  const path = params.get('path') ?? '';
  const author = params.get('author') ?? '';
  const text = params.get('q') ?? '';
  const pages = useCursorPages();
  const cursor = pages.cursor;
  const { data, error, isFetching } = useHistoryQuery({ path: path || undefined, cursor });

  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
    if (name === 'path') pages.reset();
  };
  const items = (data?.items ?? []).filter((c) => matchesFilters(c, author, text));

  return (
    <>
      <Typography variant="h4" component="h1" sx={{ mb: 2 }}>
        History
      </Typography>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} sx={{ mb: 2 }}>
        <TextField
          size="small"
          label="Path"
          value={path}
          onChange={(e) => setFilter('path', e.target.value)}
        />
        <TextField
          size="small"
          label="Author"
          value={author}
          onChange={(e) => setFilter('author', e.target.value)}
        />
        <TextField
          size="small"
          label="Message or SHA"
          value={text}
          onChange={(e) => setFilter('q', e.target.value)}
        />
      </Stack>
      <ErrorAlert error={error} what="the history" />
      <Box sx={{ overflowX: 'auto' }}>
        <Table size="small" aria-label="Commits">
          <TableHead>
            <TableRow>
              <TableCell>Commit</TableCell>
              <TableCell>Message</TableCell>
              <TableCell>Author</TableCell>
              <TableCell>When</TableCell>
              <TableCell>Files</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {isFetching &&
              !data &&
              [0, 1, 2].map((k) => (
                <TableRow key={k}>
                  <TableCell colSpan={5}>
                    <Skeleton />
                  </TableCell>
                </TableRow>
              ))}
            {items.map((commit) => (
              <TableRow key={commit.sha} hover>
                <TableCell>
                  <RouterLink
                    to={`/history/${commit.sha}`}
                    style={{ fontFamily: 'monospace', color: 'inherit' }}
                  >
                    {shortSha(commit.sha)}
                  </RouterLink>
                </TableCell>
                <TableCell>{commit.message}</TableCell>
                <TableCell>
                  <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                    <Avatar sx={{ width: 24, height: 24, fontSize: 11 }}>
                      {commit.author.name.slice(0, 2).toUpperCase()}
                    </Avatar>
                    <span>{commit.author.name}</span>
                  </Stack>
                </TableCell>
                <TableCell>
                  <Tooltip title={commit.time}>
                    <span>{timeAgo(commit.time)}</span>
                  </Tooltip>
                </TableCell>
                <TableCell>
                  {commit.files.slice(0, 3).map((file) => (
                    <Chip key={file} size="small" label={file} sx={{ mr: 0.5, fontFamily: 'monospace' }} />
                  ))}
                  {commit.files.length > 3 && <Chip size="small" label={`+${commit.files.length - 3}`} />}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
      {data && items.length === 0 && (
        <Alert severity="info" sx={{ mt: 2 }}>
          No commits match these filters.
        </Alert>
      )}
      <CursorPager pages={pages} nextCursor={data?.next_cursor} />
    </>
  );
}
