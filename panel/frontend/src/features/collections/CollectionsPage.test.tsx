import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, renderApp } from '../../test/render';
import CollectionEditorPage from './CollectionEditorPage';
import CollectionsPage from './CollectionsPage';

vi.mock('../../shared/editor/MonacoPanes', () => import('../../test/monacoStub'));
afterEach(() => vi.unstubAllGlobals());

const hits = {
  id: 'collections/movies.yml::Modern Action Hits',
  file: 'collections/movies.yml',
  name: 'Modern Action Hits',
  line: 35,
  definition: { plex_search: { all: { genre: 'Action' } }, summary: 'Old' },
  inherited: [],
  yaml: 'plex_search:\n  all:\n    genre: Action\nsummary: Old\n',
};
const shows = {
  ...hits,
  id: 'collections/tv.yml::Sitcoms',
  file: 'collections/tv.yml',
  name: 'Sitcoms',
  definition: { tvdb_show: [1] },
  yaml: 'tvdb_show: [1]\n',
};
const libraries = {
  commit: 'c',
  plex: { reachable: true },
  config: { path: 'config.yml', found: true, error: null },
  items: [
    { id: 1, title: 'Movies', type: 'movie', config: [{ name: 'Movies', line: 3 }] },
    { id: 2, title: 'TV', type: 'show', config: [{ name: 'TV', line: 9 }] },
  ],
  next_cursor: null,
};

function api(extra?: (method: string, path: string, body: unknown) => unknown) {
  return fakeApi(({ method, url, body }) => {
    const answer = extra?.(method, url.pathname, body);
    if (answer) return { data: answer };
    if (url.pathname === '/api/collections') {
      // two pages, to check the list follows the cursor
      return url.searchParams.get('cursor')
        ? { data: { commit: 'c0ffee', items: [shows], next_cursor: null } }
        : { data: { commit: 'c0ffee', items: [hits], next_cursor: 'next' } };
    }
    if (url.pathname === '/api/libraries') return { data: libraries };
    if (url.pathname === '/api/libraries/Movies') return { data: { collections: [{ id: hits.id }] } };
    if (url.pathname === '/api/libraries/TV') return { data: { collections: [{ id: shows.id }] } };
    if (url.pathname.startsWith('/api/collections/') && method === 'GET') {
      return { data: { ...hits, blob: 'b', commit: 'c0ffee' } };
    }
    return { status: 404, error: { code: 'not_found', message: url.pathname } };
  });
}

describe('CollectionsPage', () => {
  it('lists every page of collections and filters them by builder and library from the URL', async () => {
    api();
    renderApp(<CollectionsPage />, { path: '/collections?library=TV', as: 'editor' });
    const table = await screen.findByRole('table', { name: 'Collections' });
    expect(await within(table).findByRole('link', { name: 'Sitcoms' })).toHaveAttribute(
      'href',
      '/collections/collections/tv.yml/Sitcoms',
    );
    expect(within(table).queryByRole('link', { name: 'Modern Action Hits' })).toBeNull();
  });
  it('searches by name', async () => {
    api();
    renderApp(<CollectionsPage />, { path: '/collections?q=modern', as: 'viewer' });
    expect(await screen.findByRole('link', { name: 'Modern Action Hits' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Sitcoms' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'New collection' })).toBeNull();
  });
});

describe('CollectionEditorPage', () => {
  it('a form change rewrites the YAML, and the review commits it with PUT on the base', async () => {
    const puts: unknown[] = [];
    api((method, path, body) => {
      if (method === 'PUT') {
        puts.push({ path, body });
        return { sha: 'abc1234567', author: {}, message: 'm', time: '', parents: [], files: [] };
      }
      if (path === '/api/collections/preview') {
        return { items: [], problems: [], total: 0, filtered_out: 0, smart: false, section: {}, commit: 'c' };
      }
      return undefined;
    });
    renderApp(<CollectionEditorPage />, {
      path: '/collections/collections/movies.yml/Modern%20Action%20Hits',
      route: '/collections/*',
      as: 'editor',
    });
    const summary = await screen.findByLabelText('Summary');
    await userEvent.clear(summary);
    await userEvent.type(summary, 'Fresh');
    await userEvent.click(screen.getByRole('tab', { name: 'YAML' }));
    expect((screen.getByLabelText(/^Editor for/) as HTMLTextAreaElement).value).toBe(
      'plex_search:\n  all:\n    genre: Action\nsummary: Fresh\n',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Review and commit' }));
    expect(screen.getByRole('dialog', { name: /Review changes to Modern Action Hits/ })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Commit' }));
    await vi.waitFor(() => expect(puts).toHaveLength(1));
    expect(puts[0]).toEqual({
      path: '/api/collections/collections%2Fmovies.yml%3A%3AModern%20Action%20Hits',
      body: {
        yaml: 'plex_search:\n  all:\n    genre: Action\nsummary: Fresh\n',
        base: 'c0ffee',
        message: 'Update collection Modern Action Hits',
      },
    });
  });
  it('a viewer sees the collection without edit controls', async () => {
    api();
    renderApp(<CollectionEditorPage />, {
      path: '/collections/collections/movies.yml/Modern%20Action%20Hits',
      route: '/collections/*',
      as: 'viewer',
    });
    expect(await screen.findByRole('heading', { name: 'Modern Action Hits' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete' })).toBeNull();
    expect(screen.getByLabelText('Summary')).toBeDisabled();
  });
});
