import { CssBaseline, ThemeProvider, useMediaQuery } from '@mui/material';
import { useMemo } from 'react';
import { Provider } from 'react-redux';
import { RouterProvider } from 'react-router-dom';
import { makeRouter } from './router';
import { useAppSelector, type AppStore } from './store';
import { buildTheme } from './theme';
import { effectiveMode } from './uiSlice';

function Themed() {
  const choice = useAppSelector((state) => state.ui.theme);
  const prefersDark = useMediaQuery('(prefers-color-scheme: dark)');
  const mode = effectiveMode(choice, prefersDark);
  const theme = useMemo(() => buildTheme(mode), [mode]);
  const router = useMemo(() => makeRouter(), []);
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <RouterProvider router={router} />
    </ThemeProvider>
  );
}

export function App({ store }: { store: AppStore }) {
  return (
    <Provider store={store}>
      <Themed />
    </Provider>
  );
}
