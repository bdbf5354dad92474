import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, renderApp } from '../../test/render';
import { COOKIE_SESSION_KEY } from './authSlice';
import { RequireAuth } from './RequireAuth';

afterEach(() => vi.unstubAllGlobals());

describe('RequireAuth', () => {
  it('without a session (and no refresh cookie) goes to sign-in, remembering the deep link', async () => {
    const spy = fakeApi(() => ({ data: {} }));
    renderApp(
      <RequireAuth>
        <p>secret page</p>
      </RequireAuth>,
      { path: '/files/config.yml?line=3', route: '/files/*' },
    );
    expect(await screen.findByTestId('elsewhere')).toBeInTheDocument();
    expect(screen.queryByText('secret page')).toBeNull();
    expect(spy).not.toHaveBeenCalled();
  });

  it('with a refresh cookie, one silent refresh signs the user back in after a reload', async () => {
    localStorage.setItem(COOKIE_SESSION_KEY, '1');
    const spy = fakeApi(() => ({
      data: {
        access_token: 'fresh',
        token_type: 'Bearer',
        expires_in: 900,
        user: { id: 1, username: 'a', role: 'admin', created_at: '', disabled: false },
      },
    }));
    const { store } = renderApp(
      <RequireAuth>
        <p>secret page</p>
      </RequireAuth>,
      { route: '/' },
    );
    expect(await screen.findByText('secret page')).toBeInTheDocument();
    expect(String(spy.mock.calls[0]?.[0])).toBe('/api/auth/refresh');
    expect(store.getState().auth.accessToken).toBe('fresh');
  });

  it('signed in shows the page without asking the server', () => {
    const spy = fakeApi(() => ({ data: {} }));
    renderApp(
      <RequireAuth>
        <p>secret page</p>
      </RequireAuth>,
      { route: '/', as: 'viewer' },
    );
    expect(screen.getByText('secret page')).toBeInTheDocument();
    expect(spy).not.toHaveBeenCalled();
  });
});
