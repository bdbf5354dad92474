import { Box, CircularProgress } from '@mui/material';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { useSession } from './useSession';

/** Children once signed in; the sign-in page (remembering where the user was going) otherwise. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const status = useSession();
  const location = useLocation();
  if (status === 'unknown') {
    return (
      <Box sx={{ display: 'grid', placeItems: 'center', minHeight: '100vh' }}>
        <CircularProgress aria-label="Checking your session" />
      </Box>
    );
  }
  if (status === 'signedOut') {
    const from = location.pathname + location.search;
    return <Navigate to={`/signin?next=${encodeURIComponent(from)}`} replace />;
  }
  return <>{children}</>;
}
