import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, renderApp } from '../../test/render';
import { safeNext, SignInPage } from './SignInPage';

afterEach(() => vi.unstubAllGlobals());

const session = {
  access_token: 'a',
  token_type: 'Bearer',
  expires_in: 900,
  user: { id: 1, username: 'admin', role: 'admin', created_at: '', disabled: false },
};

describe('SignInPage', () => {
  it('says where the first password was printed', () => {
    renderApp(<SignInPage />, { path: '/signin', route: '/signin' });
    expect(screen.getByText(/make run/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeDisabled();
  });

  it('signs in, keeps the token in memory only and returns to the deep link', async () => {
    const spy = fakeApi(() => ({ data: session }));
    const { store } = renderApp(<SignInPage />, { path: '/signin?next=%2Fhistory%2Fabc', route: '/signin' });
    await userEvent.type(screen.getByLabelText(/Username/), 'admin');
    await userEvent.type(screen.getByLabelText(/Password/), 'secret-pass');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByTestId('elsewhere');
    expect(store.getState().auth).toMatchObject({ accessToken: 'a', status: 'signedIn' });
    expect(JSON.parse(String(spy.mock.calls[0]?.[1]?.body))).toEqual({
      username: 'admin',
      password: 'secret-pass',
    });
    expect(Object.values({ ...localStorage }).join()).not.toContain('"a"');
  });

  it('shows the server’s reason and stays on the page', async () => {
    fakeApi(() => ({ status: 401, error: { code: 'unauthorized', message: 'wrong username or password' } }));
    renderApp(<SignInPage />, { path: '/signin', route: '/signin' });
    await userEvent.type(screen.getByLabelText(/Username/), 'admin');
    await userEvent.type(screen.getByLabelText(/Password/), 'nope');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('wrong username or password')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByTestId('elsewhere')).toBeNull());
  });
});

describe('safeNext', () => {
  it.each([
    ['/files/config.yml?line=3', '/files/config.yml?line=3'],
    ['//evil.example/x', '/'],
    ['https://evil.example', '/'],
    ['/signin?next=/', '/'],
    [null, '/'],
  ])('%s → %s', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });
});
