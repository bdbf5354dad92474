import { Alert } from '@mui/material';
import { describeFailure, toFailure } from './api/errors';

/** A failed query, in words, or nothing. */
export function ErrorAlert({ error, what }: { error: unknown; what: string }) {
  if (!error) return null;
  return (
    <Alert severity="error" sx={{ my: 2 }}>
      Could not load {what}: {describeFailure(toFailure(error))}
    </Alert>
  );
}
