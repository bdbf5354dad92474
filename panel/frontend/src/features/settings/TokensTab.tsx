import {
  Button,
  Checkbox,
  FormControlLabel,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import { useAppSelector } from '../../app/store';
import { describeFailure, toFailure } from '../../shared/api/errors';
import type { Token } from '../../shared/api/models';
import { ErrorAlert } from '../../shared/ErrorAlert';
import { hasRole } from '../auth/authSlice';
import { CopyOnce } from './CopyOnce';
import { useCreateTokenMutation, useRevokeTokenMutation, useTokensQuery } from './settingsApi';

export function TokensTab() {
  const { data, error } = useTokensQuery();
  const [create, created] = useCreateTokenMutation();
  const [revoke] = useRevokeTokenMutation();
  const canWrite = hasRole(
    useAppSelector((s) => s.auth.user),
    'editor',
  );
  const [name, setName] = useState('');
  const [write, setWrite] = useState(false);
  const [fresh, setFresh] = useState<Token | null>(null);

  async function submit() {
    const result = await create({ name, scopes: write ? ['read', 'write'] : ['read'] });
    if ('data' in result && result.data) {
      setFresh(result.data);
      setName('');
    }
  }
  return (
    <>
      <Typography variant="body2" sx={{ mb: 2 }}>
        Personal access tokens sign API clients and <code>git push</code> in as you.
      </Typography>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} sx={{ alignItems: { sm: 'center' } }}>
        <TextField size="small" label="Token name" value={name} onChange={(e) => setName(e.target.value)} />
        {canWrite && (
          <FormControlLabel
            control={<Checkbox checked={write} onChange={(e) => setWrite(e.target.checked)} />}
            label="Can write"
          />
        )}
        <Button variant="contained" disabled={!name.trim() || created.isLoading} onClick={submit}>
          Create token
        </Button>
      </Stack>
      {created.error && <ErrorAlert error={created.error} what="a new token" />}
      {fresh?.token && <CopyOnce value={fresh.token} what={`token “${fresh.name}”`} />}
      <ErrorAlert error={error} what="your tokens" />
      <Table size="small" aria-label="Tokens" sx={{ mt: 2 }}>
        <TableHead>
          <TableRow>
            <TableCell>Name</TableCell>
            <TableCell>Scopes</TableCell>
            <TableCell>Created</TableCell>
            <TableCell>Last used</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {data?.items.map((token) => (
            <TableRow key={token.id}>
              <TableCell>{token.name}</TableCell>
              <TableCell>{token.scopes.join(', ')}</TableCell>
              <TableCell>{new Date(token.created_at).toLocaleString()}</TableCell>
              <TableCell>
                {token.last_used_at ? new Date(token.last_used_at).toLocaleString() : 'never'}
              </TableCell>
              <TableCell>
                {token.revoked_at ? (
                  'revoked'
                ) : (
                  <Button size="small" color="error" onClick={() => void revoke(token.id)}>
                    Revoke
                  </Button>
                )}
              </TableCell>
            </TableRow>
          ))}
          {data?.items.length === 0 && (
            <TableRow>
              <TableCell colSpan={5}>No tokens yet: create one for git or a script.</TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
      {created.error ? (
        <Typography color="error">{describeFailure(toFailure(created.error))}</Typography>
      ) : null}
    </>
  );
}
