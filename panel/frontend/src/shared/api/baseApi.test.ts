import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeStore } from '../../app/store';
import { sessionStarted } from '../../features/auth/authSlice';
import { fakeApi } from '../../test/render';
import { baseApi, callApi, CSRF_HEADER, CSRF_VALUE, refreshSession } from './baseApi';

afterEach(() => vi.unstubAllGlobals());

const session = (token: string, refresh?: string) => ({
  access_token: token,
  refresh_token: refresh,
  token_type: 'Bearer',
  expires_in: 900,
  user: { id: 1, username: 'a', role: 'admin' as const, created_at: '', disabled: false },
});

const probe = baseApi.injectEndpoints({
  endpoints: (build) => ({
    probe: build.query<{ ok: boolean }, void>({ query: () => ({ url: '/api/files' }) }),
  }),
});

describe('callApi', () => {
  it('unwraps the envelope and sends the bearer token', async () => {
    const spy = fakeApi(() => ({ data: { items: [] } }));
    expect(await callApi({ url: '/api/files' }, 'tok')).toEqual({ data: { items: [] } });
    expect(new Headers(spy.mock.calls[0]?.[1]?.headers).get('Authorization')).toBe('Bearer tok');
  });

  it('turns an error envelope into status, code, message and details', async () => {
    fakeApi(() => ({
      status: 422,
      error: { code: 'validation_failed', message: 'bad', details: { problems: [] } },
    }));
    expect(await callApi({ url: '/api/files/x', method: 'PUT', body: {} }, null)).toEqual({
      error: { status: 422, code: 'validation_failed', message: 'bad', details: { problems: [] } },
    });
  });

  it('a network failure is status 0', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    const result = await callApi({ url: '/api/files' }, null);
    expect(result).toEqual({
      error: { status: 0, code: 'network_error', message: 'Failed to fetch', details: {} },
    });
  });

  it('adds the CSRF header on auth routes only, and skips empty params', async () => {
    const spy = fakeApi(() => ({ data: {} }));
    await callApi({ url: '/api/auth/refresh', method: 'POST', body: {} }, null);
    await callApi({ url: '/api/history', params: { path: 'a b', cursor: undefined, limit: 5 } }, null);
    expect(new Headers(spy.mock.calls[0]?.[1]?.headers).get(CSRF_HEADER)).toBe(CSRF_VALUE);
    expect(new Headers(spy.mock.calls[1]?.[1]?.headers).get(CSRF_HEADER)).toBeNull();
    expect(String(spy.mock.calls[1]?.[0])).toBe('/api/history?path=a+b&limit=5');
  });
});

describe('silent refresh', () => {
  it('a 401 refreshes once with the in-memory refresh token and retries with the new access token', async () => {
    const spy = fakeApi(({ url, body, headers }) => {
      if (url.pathname === '/api/auth/refresh') {
        expect(body).toEqual({ refresh_token: 'r1' });
        return { data: session('new', 'r2') };
      }
      return headers.get('Authorization') === 'Bearer new'
        ? { data: { ok: true } }
        : { status: 401, error: { code: 'unauthorized', message: 'expired' } };
    });
    const store = makeStore();
    store.dispatch(sessionStarted({ session: session('old', 'r1'), now: Date.now() }));
    const result = await store.dispatch(probe.endpoints.probe.initiate());
    expect(result.data).toEqual({ ok: true });
    expect(store.getState().auth).toMatchObject({ accessToken: 'new', refreshToken: 'r2' });
    expect(spy.mock.calls.map((c) => String(c[0]))).toEqual([
      '/api/files',
      '/api/auth/refresh',
      '/api/files',
    ]);
  });

  it('concurrent callers share one refresh request (the token rotates once)', async () => {
    const spy = fakeApi(() => ({ data: session('next', 'r2') }));
    const store = makeStore();
    store.dispatch(sessionStarted({ session: session('old', 'r1'), now: Date.now() }));
    const results = await Promise.all([1, 2, 3].map(() => refreshSession(store.dispatch, store.getState)));
    expect(results).toEqual([true, true, true]);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('a refused refresh signs the user out', async () => {
    fakeApi(({ url }) =>
      url.pathname === '/api/auth/refresh'
        ? { status: 401, error: { code: 'unauthorized', message: 'revoked' } }
        : { status: 401, error: { code: 'unauthorized', message: 'expired' } },
    );
    const store = makeStore();
    store.dispatch(sessionStarted({ session: session('old', 'r1'), now: Date.now() }));
    const result = await store.dispatch(probe.endpoints.probe.initiate());
    expect(result.error).toMatchObject({ status: 401 });
    expect(store.getState().auth.status).toBe('signedOut');
  });
});
