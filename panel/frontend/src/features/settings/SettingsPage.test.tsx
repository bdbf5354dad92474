import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { User } from '../../shared/api/models';
import { fakeApi, renderApp } from '../../test/render';
import { SettingsPage, tabsFor } from './SettingsPage';

afterEach(() => vi.unstubAllGlobals());

const user = (role: User['role']): User => ({ id: 1, username: role, role, created_at: '', disabled: false });

describe('tabsFor', () => {
  it('every user manages their tokens; only admins see users, secrets and the audit log', () => {
    expect(tabsFor(user('viewer')).map((t) => t.id)).toEqual(['tokens']);
    expect(tabsFor(user('editor')).map((t) => t.id)).toEqual(['tokens']);
    expect(tabsFor(user('admin')).map((t) => t.id)).toEqual(['tokens', 'users', 'secrets', 'audit']);
  });
});

describe('Tokens tab', () => {
  it('shows a new token once, with a copy button, and lists it without its value', async () => {
    let created = false;
    fakeApi(({ method, body }) => {
      if (method === 'POST') {
        created = true;
        expect(body).toEqual({ name: 'laptop', scopes: ['read'] });
        return {
          status: 201,
          data: {
            id: 7,
            name: 'laptop',
            scopes: ['read'],
            created_at: '2026-01-01T00:00:00Z',
            expires_at: null,
            last_used_at: null,
            revoked_at: null,
            token: 'kp_secret',
          },
        };
      }
      const items = created
        ? [
            {
              id: 7,
              name: 'laptop',
              scopes: ['read'],
              created_at: '2026-01-01T00:00:00Z',
              expires_at: null,
              last_used_at: null,
              revoked_at: null,
            },
          ]
        : [];
      return { data: { items, next_cursor: null } };
    });
    renderApp(<SettingsPage />, { path: '/settings/tokens', route: '/settings/:tab?', as: 'viewer' });
    expect(await screen.findByText(/No tokens yet/)).toBeInTheDocument();
    expect(screen.queryByLabelText('Can write')).toBeNull();
    await userEvent.type(screen.getByLabelText('Token name'), 'laptop');
    await userEvent.click(screen.getByRole('button', { name: 'Create token' }));
    expect(await screen.findByTestId('new-token')).toHaveTextContent('kp_secret');
    expect(screen.getByRole('button', { name: /Copy the token/ })).toBeInTheDocument();
    expect(await screen.findByRole('cell', { name: 'laptop' })).toBeInTheDocument();
  });
});

describe('Secrets tab', () => {
  it('lists missing placeholders with where they are used, and never shows a value', async () => {
    const spy = fakeApi(({ method }) =>
      method === 'PUT'
        ? { data: { name: 'plextoken' } }
        : {
            data: {
              items: [{ name: 'tmdb_key', used_in: [{ file: 'config.yml', line: 20 }] }],
              next_cursor: null,
              missing: [{ name: 'plextoken', used_in: [{ file: 'config.yml', line: 11 }] }],
            },
          },
    );
    renderApp(<SettingsPage />, { path: '/settings/secrets', route: '/settings/:tab?', as: 'admin' });
    expect(await screen.findByText(/is used \(config\.yml:11\) but not set/)).toBeInTheDocument();
    expect(screen.getByText('config.yml:20')).toBeInTheDocument();
    const field = screen.getByLabelText('New value for plextoken');
    expect(field).toHaveAttribute('type', 'password');
    await userEvent.type(field, 's3cret');
    await userEvent.click(screen.getAllByRole('button', { name: 'Rotate' })[0]!);
    const put = spy.mock.calls.find((c) => c[1]?.method === 'PUT');
    expect(String(put?.[0])).toBe('/api/secrets/plextoken');
    expect(JSON.parse(String(put?.[1]?.body))).toEqual({ value: 's3cret' });
  });
});
