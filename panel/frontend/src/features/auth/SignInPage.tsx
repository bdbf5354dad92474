import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  CircularProgress,
  TextField,
  Typography,
} from '@mui/material';
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { describeFailure, toFailure } from '../../shared/api/errors';
import { useLoginMutation } from './authApi';

/** Only same-site paths are followed after sign-in, so `?next=` cannot send the user elsewhere. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/signin') ? next : '/';
}

export function SignInPage() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [login, { isLoading, error }] = useLoginMutation();
  const [params] = useSearchParams();
  const navigate = useNavigate();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await login({ username, password });
    if (!('error' in result)) navigate(safeNext(params.get('next')), { replace: true });
  }

  return (
    <Box component="main" sx={{ display: 'grid', placeItems: 'center', minHeight: '100vh', p: 2 }}>
      <Card sx={{ width: '100%', maxWidth: 400 }}>
        <CardContent>
          <Typography variant="h5" component="h1" gutterBottom>
            Sign in to Kometa Panel
          </Typography>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            The first admin is <code>admin</code>; its password was printed once in the terminal where{' '}
            <code>make run</code> started the panel.
          </Typography>
          <Box component="form" onSubmit={submit} noValidate>
            <TextField
              label="Username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              autoComplete="username"
              autoFocus
              fullWidth
              required
              margin="normal"
            />
            <TextField
              label="Password"
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="current-password"
              fullWidth
              required
              margin="normal"
            />
            {error && (
              <Alert severity="error" sx={{ mt: 1 }}>
                {describeFailure(toFailure(error))}
              </Alert>
            )}
            <Button
              type="submit"
              variant="contained"
              fullWidth
              sx={{ mt: 2 }}
              disabled={isLoading || !username || !password}
              startIcon={isLoading ? <CircularProgress size={16} color="inherit" /> : undefined}
            >
              Sign in
            </Button>
          </Box>
        </CardContent>
      </Card>
    </Box>
  );
}
