import { describe, expect, it } from 'vitest';
import type { Session, User } from '../../shared/api/models';
import {
  authSlice,
  COOKIE_SESSION_KEY,
  hasCookieSession,
  hasRole,
  refreshDelay,
  rememberCookieSession,
  sessionStarted,
  signedOut,
} from './authSlice';

const user = (role: User['role']): User => ({ id: 1, username: 'u', role, created_at: '', disabled: false });
const session: Session = {
  access_token: 'a',
  refresh_token: 'r',
  token_type: 'Bearer',
  expires_in: 900,
  user: user('editor'),
};

describe('authSlice', () => {
  it('starts unknown, so deep links wait for the silent refresh', () => {
    expect(authSlice.reducer(undefined, { type: 'init' }).status).toBe('unknown');
  });

  it('keeps the session in memory with its expiry', () => {
    const state = authSlice.reducer(undefined, sessionStarted({ session, now: 1000 }));
    expect(state).toMatchObject({
      accessToken: 'a',
      refreshToken: 'r',
      status: 'signedIn',
      expiresAt: 901_000,
    });
    expect(state.user?.role).toBe('editor');
  });

  it('without a refresh token in JSON (cookie mode) keeps none', () => {
    const { refresh_token: _dropped, ...cookieSession } = session;
    const state = authSlice.reducer(undefined, sessionStarted({ session: cookieSession, now: 0 }));
    expect(state.refreshToken).toBeNull();
  });

  it('forgets everything on sign-out', () => {
    const signedIn = authSlice.reducer(undefined, sessionStarted({ session, now: 0 }));
    const state = authSlice.reducer(signedIn, signedOut());
    expect(state).toEqual({
      accessToken: null,
      refreshToken: null,
      expiresAt: null,
      user: null,
      status: 'signedOut',
    });
  });
});

describe('hasRole', () => {
  it.each([
    ['viewer', 'viewer', true],
    ['viewer', 'editor', false],
    ['editor', 'editor', true],
    ['editor', 'admin', false],
    ['admin', 'editor', true],
  ] as const)('%s has %s: %s', (role, wanted, expected) => {
    expect(hasRole(user(role), wanted)).toBe(expected);
  });

  it('nobody signed in has no role', () => {
    expect(hasRole(null, 'viewer')).toBe(false);
  });
});

describe('refreshDelay', () => {
  it('refreshes a minute before expiry', () => {
    expect(refreshDelay(10 * 60_000, 0)).toBe(9 * 60_000);
  });
  it('never sooner than 5 s', () => {
    expect(refreshDelay(30_000, 0)).toBe(5_000);
  });
  it('nothing to schedule without a session', () => {
    expect(refreshDelay(null, 0)).toBeNull();
  });
});

describe('cookie session hint', () => {
  it('is remembered and forgotten without holding a secret', () => {
    rememberCookieSession(true);
    expect(localStorage.getItem(COOKIE_SESSION_KEY)).toBe('1');
    expect(hasCookieSession()).toBe(true);
    rememberCookieSession(false);
    expect(hasCookieSession()).toBe(false);
  });
});
