import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LibraryDetail } from '../../shared/api/models';
import { fakeApi, renderApp } from '../../test/render';
import LibrariesPage from './LibrariesPage';
import LibraryPage from './LibraryPage';

afterEach(() => vi.unstubAllGlobals());

const entry = {
  id: 'collections/movies.yml::Modern Action Hits',
  name: 'Modern Action Hits',
  file: 'collections/movies.yml',
  source: 'repo',
  line: 35,
  library: 'Movies',
  templated: false,
  in_plex: true,
};
const detail: LibraryDetail = {
  commit: 'c0ffee',
  plex: { url: 'http://plex', reachable: true, error: null },
  config: { path: 'config.yml', found: true, error: null },
  id: 1,
  title: 'Movies',
  type: 'movie',
  agent: null,
  item_count: 320,
  collection_count: 3,
  in_plex: true,
  libraries: [{ name: 'Movies', library_name: 'Movies', line: 23 }],
  plex_collections: [
    {
      rating_key: 7,
      title: 'Modern Action Hits',
      smart: false,
      child_count: 20,
      labels: ['Kometa'],
      kometa_label: true,
      in_config: true,
      managed: true,
    },
    {
      rating_key: 8,
      title: 'Bramholt Saga',
      smart: false,
      child_count: 4,
      labels: [],
      kometa_label: false,
      in_config: false,
      managed: false,
    },
  ],
  collections: [entry],
  dynamic_collections: [
    {
      ...entry,
      id: null,
      name: 'Genre',
      file: 'defaults/both/genre.yml',
      source: 'defaults',
      line: 43,
      in_plex: false,
      builds: [
        { title: 'Action Movies', in_plex: true },
        { title: 'Drama Movies', in_plex: false },
      ],
    },
  ],
  overlays: [],
};

describe('LibraryPage', () => {
  it('splits Plex collections into managed and unmanaged, and links config entries to their file and line', async () => {
    const spy = fakeApi(() => ({ data: detail }));
    renderApp(<LibraryPage />, { path: '/libraries/Movies', route: '/libraries/:name', as: 'admin' });
    const managed = await screen.findByRole('table', { name: 'Managed collections in Plex' });
    expect(within(managed).getByText('Modern Action Hits')).toBeInTheDocument();
    expect(within(managed).getByText('Kometa label')).toBeInTheDocument();
    const unmanaged = screen.getByRole('table', { name: 'Unmanaged collections in Plex' });
    expect(within(unmanaged).getByText('Bramholt Saga')).toBeInTheDocument();
    expect(within(unmanaged).queryByText('Modern Action Hits')).toBeNull();
    const config = screen.getByRole('table', { name: 'Collections in the config' });
    expect(within(config).getByRole('link', { name: 'collections/movies.yml:35' })).toHaveAttribute(
      'href',
      '/files/collections/movies.yml?line=35',
    );
    expect(within(config).getByRole('link', { name: 'Modern Action Hits' })).toHaveAttribute(
      'href',
      '/collections/collections/movies.yml/Modern%20Action%20Hits',
    );
    const dynamic = screen.getByRole('table', { name: 'Dynamic collections' });
    expect(within(dynamic).getByText('Action Movies ✓, Drama Movies')).toBeInTheDocument();
    expect(within(dynamic).queryByRole('link', { name: /genre\.yml/ })).toBeNull();
    expect(screen.getByRole('link', { name: 'config.yml:23' })).toHaveAttribute(
      'href',
      '/files/config.yml?line=23',
    );
    expect(new URL(String(spy.mock.calls[0]?.[0]), 'http://x').pathname).toBe('/api/libraries/Movies');
  });

  it('without Plex says why instead of listing its collections', async () => {
    fakeApi(() => ({
      data: { ...detail, plex_collections: null, plex: { reachable: false, error: 'connection refused' } },
    }));
    renderApp(<LibraryPage />, { path: '/libraries/Movies', route: '/libraries/:name', as: 'admin' });
    expect(await screen.findByText(/collections are unknown: connection refused/)).toBeInTheDocument();
    expect(screen.queryByRole('table', { name: 'Unmanaged collections in Plex' })).toBeNull();
  });
});

describe('LibrariesPage', () => {
  it('a row per library linking to its page and to its place in config.yml', async () => {
    fakeApi(() => ({
      data: {
        commit: 'c',
        plex: { reachable: true },
        config: { path: 'config.yml', found: true, error: null },
        items: [
          {
            id: 1,
            title: 'Movies',
            type: 'movie',
            agent: null,
            item_count: 320,
            collection_count: 3,
            in_plex: true,
            config: [
              {
                name: 'Movies',
                library_name: 'Movies',
                line: 23,
                files: 6,
                external: 0,
                unsupported: 0,
                collections: 16,
                dynamic_collections: 5,
                overlays: 1,
                errors: 0,
              },
            ],
          },
          {
            id: 9,
            title: 'Music',
            type: 'artist',
            agent: null,
            item_count: 5,
            collection_count: 0,
            in_plex: true,
            config: [],
          },
        ],
        next_cursor: null,
      },
    }));
    renderApp(<LibrariesPage />, { as: 'admin' });
    expect(await screen.findByRole('link', { name: 'Movies' })).toHaveAttribute('href', '/libraries/Movies');
    expect(screen.getByRole('link', { name: 'Music' })).toHaveAttribute('href', '/libraries/9');
    expect(screen.getByRole('link', { name: 'config.yml:23' })).toHaveAttribute(
      'href',
      '/files/config.yml?line=23',
    );
    expect(screen.getByText('Not in config')).toBeInTheDocument();
    expect(screen.getByText('16')).toBeInTheDocument();
  });
});
