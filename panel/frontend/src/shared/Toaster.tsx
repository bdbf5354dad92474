import { Alert, Link, Snackbar, Stack } from '@mui/material';
import { Link as RouterLink } from 'react-router-dom';
import { useAppDispatch, useAppSelector } from '../app/store';
import { toastClosed } from '../app/uiSlice';

/** Results of actions, newest at the bottom; each closes itself after a few seconds or by its button. */
export function Toaster() {
  const toasts = useAppSelector((state) => state.ui.toasts);
  const dispatch = useAppDispatch();
  return (
    <Stack spacing={1} sx={{ position: 'fixed', bottom: 16, right: 16, zIndex: 2000 }}>
      {toasts.map((toast) => (
        <Snackbar
          key={toast.id}
          open
          autoHideDuration={toast.kind === 'error' ? 10000 : 5000}
          onClose={(_event, reason) => reason !== 'clickaway' && dispatch(toastClosed(toast.id))}
          sx={{ position: 'static', transform: 'none' }}
        >
          <Alert
            severity={toast.kind}
            variant="filled"
            onClose={() => dispatch(toastClosed(toast.id))}
            role={toast.kind === 'error' ? 'alert' : 'status'}
          >
            {toast.text}
            {toast.link && (
              <>
                {' '}
                <Link component={RouterLink} to={toast.link.to} color="inherit" underline="always">
                  {toast.link.label}
                </Link>
              </>
            )}
          </Alert>
        </Snackbar>
      ))}
    </Stack>
  );
}
