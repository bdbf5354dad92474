import { baseApi } from '../../shared/api/baseApi';
import type { RequestBody, Session, User } from '../../shared/api/models';
import { rememberCookieSession, sessionStarted, signedOut } from './authSlice';

export const authApi = baseApi.injectEndpoints({
  endpoints: (build) => ({
    login: build.mutation<Session, RequestBody<'/api/auth/login', 'post'>>({
      query: (body) => ({ url: '/api/auth/login', method: 'POST', body }),
      async onQueryStarted(_arg, { dispatch, queryFulfilled }) {
        try {
          const { data } = await queryFulfilled;
          rememberCookieSession(!data.refresh_token);
          dispatch(sessionStarted({ session: data, now: Date.now() }));
        } catch {
          /* the page shows the mutation's error */
        }
      },
    }),
    logout: build.mutation<unknown, { refreshToken: string | null }>({
      query: ({ refreshToken }) => ({
        url: '/api/auth/logout',
        method: 'POST',
        body: refreshToken ? { refresh_token: refreshToken } : {},
      }),
      async onQueryStarted(_arg, { dispatch, queryFulfilled }) {
        try {
          await queryFulfilled;
        } catch {
          /* signed out here either way */
        } finally {
          rememberCookieSession(false);
          dispatch(signedOut());
          dispatch(baseApi.util.resetApiState());
        }
      },
    }),
    me: build.query<User, void>({ query: () => ({ url: '/api/auth/me' }) }),
    changePassword: build.mutation<unknown, RequestBody<'/api/auth/password', 'post'>>({
      query: (body) => ({ url: '/api/auth/password', method: 'POST', body }),
    }),
  }),
});

export const { useLoginMutation, useLogoutMutation, useChangePasswordMutation } = authApi;
