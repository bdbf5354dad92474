import { Box, CircularProgress, Typography } from '@mui/material';
import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter, Link, type RouteObject } from 'react-router-dom';
import { RequireAuth } from '../features/auth/RequireAuth';
import { SignInPage } from '../features/auth/SignInPage';
import { DashboardPage } from '../features/dashboard/DashboardPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { Layout } from './Layout';

// Monaco lives only behind these routes, so the first page loads without it.
const FilesPage = lazy(() => import('../features/files/FilesPage'));
const HistoryPage = lazy(() => import('../features/history/HistoryPage'));
const CommitPage = lazy(() => import('../features/history/CommitPage'));
const CollectionsPage = lazy(() => import('../features/collections/CollectionsPage'));
const CollectionEditorPage = lazy(() => import('../features/collections/CollectionEditorPage'));
const LibrariesPage = lazy(() => import('../features/libraries/LibrariesPage'));
const LibraryPage = lazy(() => import('../features/libraries/LibraryPage'));

function Lazy({ children }: { children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <Box sx={{ display: 'grid', placeItems: 'center', p: 6 }}>
          <CircularProgress aria-label="Loading" />
        </Box>
      }
    >
      {children}
    </Suspense>
  );
}

function NotFound() {
  return (
    <Box sx={{ p: 4 }}>
      <Typography variant="h5" component="h1">
        Nothing here
      </Typography>
      <Typography>
        This address names no page. Go to the <Link to="/">dashboard</Link>.
      </Typography>
    </Box>
  );
}

export const routes: RouteObject[] = [
  { path: '/signin', element: <SignInPage /> },
  {
    element: (
      <RequireAuth>
        <Layout />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <DashboardPage /> },
      {
        path: 'files/*',
        element: (
          <Lazy>
            <FilesPage />
          </Lazy>
        ),
      },
      {
        path: 'history',
        element: (
          <Lazy>
            <HistoryPage />
          </Lazy>
        ),
      },
      {
        path: 'history/:sha',
        element: (
          <Lazy>
            <CommitPage />
          </Lazy>
        ),
      },
      {
        path: 'collections',
        element: (
          <Lazy>
            <CollectionsPage />
          </Lazy>
        ),
      },
      {
        path: 'collections/*',
        element: (
          <Lazy>
            <CollectionEditorPage />
          </Lazy>
        ),
      },
      {
        path: 'libraries',
        element: (
          <Lazy>
            <LibrariesPage />
          </Lazy>
        ),
      },
      {
        path: 'libraries/:name',
        element: (
          <Lazy>
            <LibraryPage />
          </Lazy>
        ),
      },
      { path: 'settings/:tab?', element: <SettingsPage /> },
      { path: '*', element: <NotFound /> },
    ],
  },
];

export function makeRouter() {
  return createBrowserRouter(routes);
}
