import { createApi, type BaseQueryFn } from '@reduxjs/toolkit/query/react';
import {
  rememberCookieSession,
  sessionStarted,
  signedOut,
  type AuthState,
} from '../../features/auth/authSlice';
import type { ApiFailure } from './errors';
import type { Session } from './models';

/** The custom header the cookie-backed auth routes require (CSRF guard next to SameSite=Strict). */
export const CSRF_HEADER = 'X-Requested-With';
export const CSRF_VALUE = 'kometa-panel';

export interface RequestArgs {
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  params?: Record<string, string | number | undefined | null>;
}

type State = { auth: AuthState };

function buildUrl(url: string, params?: RequestArgs['params']): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${url}?${text}` : url;
}

/** One request to the API; unwraps the envelope into `data` or an ApiFailure. */
export async function callApi<T>(
  args: RequestArgs,
  token: string | null,
  signal?: AbortSignal,
): Promise<{ data: T } | { error: ApiFailure }> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (args.body !== undefined) headers['Content-Type'] = 'application/json';
  if (args.url.startsWith('/api/auth/')) headers[CSRF_HEADER] = CSRF_VALUE;
  let response: Response;
  try {
    response = await fetch(buildUrl(args.url, args.params), {
      method: args.method ?? 'GET',
      headers,
      body: args.body === undefined ? undefined : JSON.stringify(args.body),
      credentials: 'same-origin',
      signal,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { error: { status: 0, code: 'network_error', message, details: {} } };
  }
  const payload = (await response.json().catch(() => null)) as {
    success?: boolean;
    data?: T;
    error?: { code: string; message: string; details?: Record<string, unknown> };
  } | null;
  if (response.ok && payload?.success) return { data: payload.data as T };
  return {
    error: {
      status: response.status,
      code: payload?.error?.code ?? 'http_error',
      message: payload?.error?.message ?? `HTTP ${response.status}`,
      details: payload?.error?.details ?? {},
    },
  };
}

let refreshing: Promise<boolean> | null = null;

/**
 * Trade the refresh token (the cookie, or the in-memory one the JSON login returned) for a new session.
 * Concurrent callers share one request, so a burst of 401s rotates the token once.
 */
export function refreshSession(
  dispatch: (action: unknown) => unknown,
  getState: () => unknown,
): Promise<boolean> {
  refreshing ??= (async () => {
    const { refreshToken } = (getState() as State).auth;
    const body = refreshToken ? { refresh_token: refreshToken } : {};
    const result = await callApi<Session>({ url: '/api/auth/refresh', method: 'POST', body }, null);
    if ('data' in result) {
      dispatch(sessionStarted({ session: result.data, now: Date.now() }));
      return true;
    }
    rememberCookieSession(false);
    dispatch(signedOut());
    return false;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

const baseQuery: BaseQueryFn<RequestArgs, unknown, ApiFailure> = async (args, api) => {
  const token = () => (api.getState() as State).auth.accessToken;
  let result = await callApi<unknown>(args, token(), api.signal);
  const isAuthRoute = args.url.startsWith('/api/auth/login') || args.url.startsWith('/api/auth/refresh');
  if ('error' in result && result.error.status === 401 && !isAuthRoute && token()) {
    if (await refreshSession(api.dispatch, api.getState)) {
      result = await callApi<unknown>(args, token(), api.signal);
    }
  }
  return result;
};

export const TAGS = [
  'Tree',
  'File',
  'History',
  'Status',
  'Libraries',
  'Users',
  'Tokens',
  'Secrets',
  'Audit',
  'Collections',
] as const;

/** The one RTK Query API; features inject their endpoints. */
export const baseApi = createApi({
  reducerPath: 'api',
  baseQuery,
  tagTypes: TAGS,
  endpoints: () => ({}),
});
