import { baseApi } from '../../shared/api/baseApi';
import type { AuditEntry, Page, RequestBody, Secrets, Token, User } from '../../shared/api/models';

export const settingsApi = baseApi.injectEndpoints({
  endpoints: (build) => ({
    users: build.query<Page<User>, void>({
      query: () => ({ url: '/api/users', params: { limit: 500 } }),
      providesTags: ['Users'],
    }),
    createUser: build.mutation<User, RequestBody<'/api/users', 'post'>>({
      query: (body) => ({ url: '/api/users', method: 'POST', body }),
      invalidatesTags: (_r, e) => (e ? [] : ['Users', 'Audit']),
    }),
    updateUser: build.mutation<User, { id: number; body: RequestBody<'/api/users/{user_id}', 'patch'> }>({
      query: ({ id, body }) => ({ url: `/api/users/${id}`, method: 'PATCH', body }),
      invalidatesTags: (_r, e) => (e ? [] : ['Users', 'Audit']),
    }),
    tokens: build.query<Page<Token>, void>({
      query: () => ({ url: '/api/tokens', params: { limit: 500 } }),
      providesTags: ['Tokens'],
    }),
    createToken: build.mutation<Token, RequestBody<'/api/tokens', 'post'>>({
      query: (body) => ({ url: '/api/tokens', method: 'POST', body }),
      invalidatesTags: (_r, e) => (e ? [] : ['Tokens', 'Audit']),
    }),
    revokeToken: build.mutation<unknown, number>({
      query: (id) => ({ url: `/api/tokens/${id}`, method: 'DELETE' }),
      invalidatesTags: (_r, e) => (e ? [] : ['Tokens', 'Audit']),
    }),
    secrets: build.query<Secrets, void>({
      query: () => ({ url: '/api/secrets', params: { limit: 500 } }),
      providesTags: ['Secrets'],
    }),
    setSecret: build.mutation<unknown, { name: string; value: string }>({
      query: ({ name, value }) => ({
        url: `/api/secrets/${encodeURIComponent(name)}`,
        method: 'PUT',
        body: { value },
      }),
      invalidatesTags: (_r, e) => (e ? [] : ['Secrets', 'Audit']),
    }),
    deleteSecret: build.mutation<unknown, string>({
      query: (name) => ({ url: `/api/secrets/${encodeURIComponent(name)}`, method: 'DELETE' }),
      invalidatesTags: (_r, e) => (e ? [] : ['Secrets', 'Audit']),
    }),
    audit: build.query<Page<AuditEntry>, { cursor?: string; user?: string; action?: string }>({
      query: (params) => ({ url: '/api/audit', params: { ...params, limit: 50 } }),
      providesTags: ['Audit'],
    }),
  }),
});

export const {
  useUsersQuery,
  useCreateUserMutation,
  useUpdateUserMutation,
  useTokensQuery,
  useCreateTokenMutation,
  useRevokeTokenMutation,
  useSecretsQuery,
  useSetSecretMutation,
  useDeleteSecretMutation,
  useAuditQuery,
} = settingsApi;
