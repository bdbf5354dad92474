import { ThemeProvider } from '@mui/material';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { Provider } from 'react-redux';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { vi } from 'vitest';
import { makeStore, type RootState } from '../app/store';
import { buildTheme } from '../app/theme';
import { sessionStarted } from '../features/auth/authSlice';
import type { Role } from '../shared/api/models';

/** Render `ui` with a fresh store (signed in `as` a role, if given), the light theme and a router at
 * `path` (matched against `route`; other paths render a marker). */
export function renderApp(
  ui: ReactElement,
  {
    path = '/',
    route = '*',
    preloaded,
    as,
  }: { path?: string; route?: string; preloaded?: Partial<RootState>; as?: Role } = {},
) {
  const store = makeStore(preloaded);
  if (as) signIn(store, as);
  const result = render(
    <Provider store={store}>
      <ThemeProvider theme={buildTheme('light')}>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path={route} element={ui} />
            <Route path="*" element={<div data-testid="elsewhere" />} />
          </Routes>
        </MemoryRouter>
      </ThemeProvider>
    </Provider>,
  );
  return { store, ...result };
}

export function signIn(store: ReturnType<typeof makeStore>, role: Role = 'admin') {
  store.dispatch(
    sessionStarted({
      session: {
        access_token: `token-${role}`,
        token_type: 'Bearer',
        expires_in: 900,
        user: { id: 1, username: role, role, created_at: '2026-01-01T00:00:00Z', disabled: false },
      },
      now: Date.now(),
    }),
  );
}

type Handler = (request: { method: string; url: URL; body: unknown; headers: Headers }) => {
  status?: number;
  data?: unknown;
  error?: { code: string; message: string; details?: unknown };
};

/** Answer fetch with the panel's envelope from `handler`; returns the spy to inspect the requests. */
export function fakeApi(handler: Handler) {
  const spy = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://panel.test');
    const headers = new Headers(init?.headers);
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    const answer = handler({ method: init?.method ?? 'GET', url, body, headers });
    const status = answer.status ?? (answer.error ? 400 : 200);
    const payload = answer.error
      ? { success: false, data: null, error: { details: {}, ...answer.error }, timestamp: '' }
      : { success: true, data: answer.data ?? null, error: null, timestamp: '' };
    return new Response(JSON.stringify(payload), { status, headers: { 'Content-Type': 'application/json' } });
  });
  vi.stubGlobal('fetch', spy);
  return spy;
}
