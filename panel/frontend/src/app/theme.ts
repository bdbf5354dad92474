import { createTheme, type Theme } from '@mui/material/styles';

/** Neutral surfaces with Kometa's gold as the one accent; contrast AA in both modes. */
export function buildTheme(mode: 'light' | 'dark'): Theme {
  const dark = mode === 'dark';
  return createTheme({
    palette: {
      mode,
      primary: { main: dark ? '#e5a00d' : '#8a5a00', contrastText: dark ? '#1a1a1a' : '#ffffff' },
      secondary: { main: dark ? '#9ecbff' : '#1f5fa8' },
      background: dark ? { default: '#121316', paper: '#1b1d21' } : { default: '#f6f6f4', paper: '#ffffff' },
    },
    shape: { borderRadius: 6 },
    typography: {
      fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    },
    components: {
      MuiButtonBase: { defaultProps: { disableRipple: false } },
      MuiTableCell: { styleOverrides: { root: { paddingTop: 6, paddingBottom: 6 } } },
      // The default grey avatar with white initials fails contrast AA; use the accent and its text colour.
      MuiAvatar: {
        styleOverrides: {
          colorDefault: ({ theme }) => ({
            backgroundColor: theme.palette.primary.main,
            color: theme.palette.primary.contrastText,
          }),
        },
      },
    },
  });
}

export const MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace';
