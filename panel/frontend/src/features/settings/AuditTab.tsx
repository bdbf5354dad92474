import { Button, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField } from '@mui/material';
import { useState } from 'react';
import { ErrorAlert } from '../../shared/ErrorAlert';
import { useAuditQuery } from './settingsApi';

export function AuditTab() {
  const [user, setUser] = useState('');
  const [action, setAction] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const { data, error } = useAuditQuery({
    user: user || undefined,
    action: action || undefined,
    cursor: cursors[cursors.length - 1],
  });
  return (
    <>
      <Stack direction="row" spacing={1} sx={{ mb: 2 }}>
        <TextField
          size="small"
          label="User"
          value={user}
          onChange={(e) => (setUser(e.target.value), setCursors([]))}
        />
        <TextField
          size="small"
          label="Action"
          value={action}
          onChange={(e) => (setAction(e.target.value), setCursors([]))}
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
      <Stack direction="row" spacing={1} sx={{ mt: 1 }}>
        <Button disabled={!cursors.length} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Newer
        </Button>
        <Button
          disabled={!data?.next_cursor}
          onClick={() => setCursors((c) => [...c, data?.next_cursor as string])}
        >
          Older
        </Button>
      </Stack>
    </>
  );
}
