import { Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField } from '@mui/material';
import { useState } from 'react';
import { CursorPager, useCursorPages } from '../../shared/CursorPager';
import { ErrorAlert } from '../../shared/ErrorAlert';
import { useAuditQuery } from './settingsApi';

export function AuditTab() {
  const [user, setUser] = useState('');
  const [action, setAction] = useState('');
  const pages = useCursorPages();
  const { data, error } = useAuditQuery({
    user: user || undefined,
    action: action || undefined,
    cursor: pages.cursor,
  });
  return (
    <>
      <Stack direction="row" spacing={1} sx={{ mb: 2 }}>
        <TextField
          size="small"
          label="User"
          value={user}
          onChange={(e) => (setUser(e.target.value), pages.reset())}
        />
        <TextField
          size="small"
          label="Action"
          value={action}
          onChange={(e) => (setAction(e.target.value), pages.reset())}
        />
      </Stack>
      <ErrorAlert error={error} what="the audit log" />
      <Table size="small" aria-label="Audit log">
        <TableHead>
          <TableRow>
            <TableCell>When</TableCell>
            <TableCell>User</TableCell>
            <TableCell>Action</TableCell>
            <TableCell>Target</TableCell>
            <TableCell>From</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {data?.items.map((entry) => (
            <TableRow key={entry.id}>
              <TableCell title={entry.time}>{new Date(entry.time).toLocaleString()}</TableCell>
              <TableCell>{entry.user}</TableCell>
              <TableCell>{entry.action}</TableCell>
              <TableCell sx={{ fontFamily: 'monospace' }}>{entry.target}</TableCell>
              <TableCell>{entry.source}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <CursorPager pages={pages} nextCursor={data?.next_cursor} />
    </>
  );
}
