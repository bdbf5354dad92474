import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Library } from '../../shared/api/models';
import { fakeApi, renderApp, signIn } from '../../test/render';
import { DashboardPage } from './DashboardPage';
import { libraryFigures } from './LibraryCard';

afterEach(() => vi.unstubAllGlobals());

const use = {
  name: 'Movies',
  library_name: 'Movies',
  line: 23,
  files: 2,
  external: 0,
  unsupported: 0,
  collections: 11,
  dynamic_collections: 5,
  overlays: 0,
  errors: 0,
};
const movies: Library = {
  id: 1,
  title: 'Movies',
  type: 'movie',
  agent: null,
  item_count: 320,
  collection_count: 14,
  in_plex: true,
  config: [use],
};

describe('libraryFigures', () => {
  it('managed comes from the config, unmanaged is the rest of Plex’s collections', () => {
    expect(libraryFigures(movies)).toEqual({ managed: 11, errors: 0, unmanaged: 3 });
  });
  it('without Plex the unmanaged count is unknown', () => {
    expect(libraryFigures({ ...movies, collection_count: null }).unmanaged).toBeNull();
  });
});

describe('DashboardPage', () => {
  it('a card per library with a link to its place in the config, and the system state', async () => {
    fakeApi(({ url }) =>
      url.pathname === '/api/libraries'
        ? {
            data: {
              commit: 'c',
              plex: { reachable: true },
              config: { path: 'config.yml', found: true, error: null },
              items: [movies],
              next_cursor: null,
            },
          }
        : {
            data: {
              git: { head: 'abcdef1234', branch: 'main' },
              plex: { reachable: false, error: 'connection refused' },
              redis: { reachable: true },
              disk: { data_dir: 'd', free_bytes: 2 * 1024 ** 3, total_bytes: 4 * 1024 ** 3 },
              version: '0.1.0',
            },
          },
    );
    const { store } = renderApp(<DashboardPage />);
    signIn(store);
    expect(await screen.findByRole('heading', { name: 'Movies' })).toBeInTheDocument();
    expect(screen.getByText('320')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Movies' })).toHaveAttribute('href', '/libraries/Movies');
    expect(screen.getByRole('link', { name: 'Open in config' })).toHaveAttribute(
      'href',
      '/files/config.yml?line=23',
    );
    expect(await screen.findByText(/not reachable — connection refused/)).toBeInTheDocument();
    expect(screen.getByText(/2\.0 GiB free of 4\.0 GiB/)).toBeInTheDocument();
  });
});
