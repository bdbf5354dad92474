import {
  Alert,
  Button,
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
import { useAppDispatch } from '../../app/store';
import { toastShown } from '../../app/uiSlice';
import { ErrorAlert } from '../../shared/ErrorAlert';
import type { SecretUse } from '../../shared/api/models';
import { useSecretsQuery, useSetSecretMutation } from './settingsApi';

function Uses({ uses }: { uses?: SecretUse[] }) {
  if (!uses?.length) return <>not used</>;
  return <>{uses.map((use) => `${use.file}:${use.line}`).join(', ')}</>;
}

/** Set or rotate one secret; the value goes to the server and is never shown again. */
function SetSecret({ name, onDone }: { name?: string; onDone?: () => void }) {
  const [secretName, setSecretName] = useState(name ?? '');
  const [value, setValue] = useState('');
  const [setSecret, { isLoading, error }] = useSetSecretMutation();
  const dispatch = useAppDispatch();
  async function submit() {
    const result = await setSecret({ name: secretName, value });
    if (!('error' in result)) {
      setValue('');
      dispatch(toastShown({ kind: 'success', text: `Secret ${secretName} saved` }));
      onDone?.();
    }
  }
  return (
    <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} sx={{ alignItems: { sm: 'center' } }}>
      {!name && (
        <TextField
          size="small"
          label="Name"
          value={secretName}
          onChange={(e) => setSecretName(e.target.value)}
        />
      )}
      <TextField
        size="small"
        type="password"
        label={name ? `New value for ${name}` : 'Value'}
        value={value}
        autoComplete="off"
        onChange={(e) => setValue(e.target.value)}
      />
      <Button variant="outlined" disabled={!secretName || !value || isLoading} onClick={submit}>
        {name ? 'Rotate' : 'Set'}
      </Button>
      <ErrorAlert error={error} what="the secret" />
    </Stack>
  );
}

export function SecretsTab() {
  const { data, error } = useSecretsQuery();
  return (
    <>
      <Typography variant="body2" sx={{ mb: 2 }}>
        Secrets fill <code>&lt;&lt;name&gt;&gt;</code> placeholders in the config when Kometa runs; they never
        enter git and are never shown again once set.
      </Typography>
      <ErrorAlert error={error} what="the secrets" />
      {data?.missing.map((missing) => (
        <Alert key={missing.name} severity="warning" sx={{ mb: 1 }}>
          <strong>{missing.name}</strong> is used (<Uses uses={missing.used_in} />) but not set.
          <SetSecret name={missing.name} />
        </Alert>
      ))}
      <Table size="small" aria-label="Secrets">
        <TableHead>
          <TableRow>
            <TableCell>Name</TableCell>
            <TableCell>Used in</TableCell>
            <TableCell>Rotate</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {data?.items.map((secret) => (
            <TableRow key={secret.name}>
              <TableCell sx={{ fontFamily: 'monospace' }}>{secret.name}</TableCell>
              <TableCell>
                <Uses uses={secret.used_in} />
              </TableCell>
              <TableCell>
                <SetSecret name={secret.name} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Typography variant="subtitle2" sx={{ mt: 3, mb: 1 }}>
        Add a secret
      </Typography>
      <SetSecret />
    </>
  );
}
