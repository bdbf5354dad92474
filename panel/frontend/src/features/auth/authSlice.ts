import { createSlice, type PayloadAction } from '@reduxjs/toolkit';
import type { Role, Session, User } from '../../shared/api/models';

/**
 * The signed-in session, in memory only: a reload starts signed out and asks the refresh cookie (when the
 * server sets one) for a new access token. A refresh token the server returns in JSON also stays in memory.
 */
export interface AuthState {
  accessToken: string | null;
  refreshToken: string | null;
  expiresAt: number | null;
  user: User | null;
  /** 'unknown' until the first silent refresh settles, so deep links do not flash the sign-in page. */
  status: 'unknown' | 'signedIn' | 'signedOut';
}

const initialState: AuthState = {
  accessToken: null,
  refreshToken: null,
  expiresAt: null,
  user: null,
  status: 'unknown',
};

export const authSlice = createSlice({
  name: 'auth',
  initialState,
  reducers: {
    sessionStarted(state, action: PayloadAction<{ session: Session; now: number }>) {
      const { session, now } = action.payload;
      state.accessToken = session.access_token;
      state.refreshToken = session.refresh_token ?? null;
      state.expiresAt = now + session.expires_in * 1000;
      state.user = session.user;
      state.status = 'signedIn';
    },
    signedOut(state) {
      Object.assign(state, initialState, { status: 'signedOut' });
    },
  },
});

export const { sessionStarted, signedOut } = authSlice.actions;

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/** Whether `user` has at least `role` (admin ⊃ editor ⊃ viewer). */
export function hasRole(user: User | null, role: Role): boolean {
  return user !== null && RANK[user.role] >= RANK[role];
}

/** Milliseconds until a silent refresh should run: a minute before expiry, at least 5 s from now. */
export function refreshDelay(expiresAt: number | null, now: number): number | null {
  if (expiresAt === null) return null;
  return Math.max(expiresAt - now - 60_000, 5_000);
}

/**
 * Set while the server keeps the refresh token in its HttpOnly cookie (the login answer carried none in
 * JSON): only then is a silent refresh at start-up worth a request. Holds no secret.
 */
export const COOKIE_SESSION_KEY = 'kometa-panel.cookie-session';

export function rememberCookieSession(active: boolean, storage: Storage = localStorage): void {
  try {
    if (active) storage.setItem(COOKIE_SESSION_KEY, '1');
    else storage.removeItem(COOKIE_SESSION_KEY);
  } catch {
    /* storage disabled: the user signs in after a reload */
  }
}

export function hasCookieSession(storage: Storage = localStorage): boolean {
  try {
    return storage.getItem(COOKIE_SESSION_KEY) === '1';
  } catch {
    return false;
  }
}
