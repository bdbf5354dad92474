import {
  Button,
  MenuItem,
  Select,
  Stack,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
} from '@mui/material';
import { useState } from 'react';
import type { Role } from '../../shared/api/models';
import { ErrorAlert } from '../../shared/ErrorAlert';
import { useCreateUserMutation, useUpdateUserMutation, useUsersQuery } from './settingsApi';

const ROLES: Role[] = ['viewer', 'editor', 'admin'];

export function UsersTab() {
  const { data, error } = useUsersQuery();
  const [createUser, created] = useCreateUserMutation();
  const [updateUser, updated] = useUpdateUserMutation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');

  async function submit() {
    const result = await createUser({ username, password, role });
    if (!('error' in result)) {
      setUsername('');
      setPassword('');
    }
  }
  return (
    <>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} sx={{ mb: 2 }}>
        <TextField
          size="small"
          label="Username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <TextField
          size="small"
          type="password"
          label="Password (8+ characters)"
          value={password}
          autoComplete="new-password"
          onChange={(e) => setPassword(e.target.value)}
        />
        <Select
          size="small"
          value={role}
          onChange={(e) => setRole(e.target.value as Role)}
          inputProps={{ 'aria-label': 'Role' }}
        >
          {ROLES.map((r) => (
            <MenuItem key={r} value={r}>
              {r}
            </MenuItem>
          ))}
        </Select>
        <Button
          variant="contained"
          disabled={!username || password.length < 8 || created.isLoading}
          onClick={submit}
        >
          Add user
        </Button>
      </Stack>
      <ErrorAlert error={created.error} what="the new user" />
      <ErrorAlert error={updated.error} what="the change" />
      <ErrorAlert error={error} what="the users" />
      <Table size="small" aria-label="Users">
        <TableHead>
          <TableRow>
            <TableCell>User</TableCell>
            <TableCell>Role</TableCell>
            <TableCell>Enabled</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {data?.items.map((user) => (
            <TableRow key={user.id}>
              <TableCell>{user.username}</TableCell>
              <TableCell>
                <Select
                  size="small"
                  value={user.role}
                  inputProps={{ 'aria-label': `Role of ${user.username}` }}
                  onChange={(e) => void updateUser({ id: user.id, body: { role: e.target.value as Role } })}
                >
                  {ROLES.map((r) => (
                    <MenuItem key={r} value={r}>
                      {r}
                    </MenuItem>
                  ))}
                </Select>
              </TableCell>
              <TableCell>
                <Switch
                  checked={!user.disabled}
                  slotProps={{ input: { 'aria-label': `${user.username} enabled` } }}
                  onChange={(e) => void updateUser({ id: user.id, body: { disabled: !e.target.checked } })}
                />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}
