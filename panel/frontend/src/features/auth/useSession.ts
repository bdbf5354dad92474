import { useEffect } from 'react';
import { useStore } from 'react-redux';
import { useAppDispatch, useAppSelector } from '../../app/store';
import { refreshSession } from '../../shared/api/baseApi';
import { hasCookieSession, refreshDelay, signedOut } from './authSlice';

/**
 * Keeps the session alive: one silent refresh when the app starts (when the server keeps the refresh token
 * in a cookie, that signs the user back in after a reload), then another a minute before each access token expires.
 */
export function useSession() {
  const dispatch = useAppDispatch();
  const store = useStore();
  const { status, expiresAt } = useAppSelector((state) => state.auth);

  useEffect(() => {
    if (status !== 'unknown') return;
    if (hasCookieSession()) void refreshSession(dispatch, store.getState);
    else dispatch(signedOut());
  }, [status, dispatch, store]);

  useEffect(() => {
    const delay = refreshDelay(expiresAt, Date.now());
    if (status !== 'signedIn' || delay === null) return;
    const timer = window.setTimeout(() => void refreshSession(dispatch, store.getState), delay);
    return () => window.clearTimeout(timer);
  }, [status, expiresAt, dispatch, store]);

  return status;
}
