import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, renderApp } from '../../test/render';
import CommitPage from './CommitPage';

vi.mock('../../shared/editor/MonacoPanes', () => import('../../test/monacoStub'));
afterEach(() => vi.unstubAllGlobals());

const COMMIT = {
  sha: 'abc1234000',
  author: { name: 'vera', email: '' },
  message: 'Tune movies',
  time: '2026-12-01T00:00:00Z',
  parents: ['p0000000'],
  files: ['collections/movies.yml'],
};
const DIFF = {
  unified: '',
  files: [{ status: 'modified', path: 'collections/movies.yml', binary: false, hunks: [] }],
};

function serve() {
  const restores: { url: string; body: unknown }[] = [];
  fakeApi(({ method, url, body }) => {
    if (method === 'POST' && url.pathname.endsWith('/restore')) {
      restores.push({ url: url.pathname, body });
      return { data: { ...COMMIT, sha: 'fedcba9876', message: 'Restore' } };
    }
    if (url.pathname === '/api/history/abc1234000') return { data: COMMIT };
    if (url.pathname === '/api/diff') return { data: DIFF };
    if (url.pathname === '/api/files/collections/movies.yml') {
      const rev = url.searchParams.get('rev');
      const content = rev === 'main' ? 'now: 2\n' : rev === 'abc1234000' ? 'then: 1\n' : 'before: 0\n';
      return { data: { path: 'collections/movies.yml', content, blob: 'b', commit: 'head0000' } };
    }
    return { status: 404, error: { code: 'not_found', message: url.pathname } };
  });
  return restores;
}

describe('CommitPage restore', () => {
  it('restores one file through the review: main left, this version right, then POST restore {path}', async () => {
    const restores = serve();
    renderApp(<CommitPage />, { path: '/history/abc1234000', route: '/history/:sha', as: 'editor' });
    await userEvent.click(await screen.findByRole('button', { name: 'Restore this file to this version' }));
    await screen.findByRole('dialog', { name: /restoring collections\/movies.yml to abc1234/ });
    expect(screen.getAllByTestId('diff-original').at(-1)).toHaveTextContent('now: 2');
    expect(screen.getAllByTestId('diff-modified').at(-1)).toHaveTextContent('then: 1');
    await userEvent.click(screen.getByRole('button', { name: 'Commit' }));
    await vi.waitFor(() => expect(restores).toHaveLength(1));
    expect(restores[0]).toEqual({
      url: '/api/history/abc1234000/restore',
      body: { path: 'collections/movies.yml', message: 'Restore collections/movies.yml to abc1234' },
    });
  });
  it('restores the whole tree, listing the files it changes, with no path', async () => {
    const restores = serve();
    renderApp(<CommitPage />, { path: '/history/abc1234000', route: '/history/:sha', as: 'editor' });
    await userEvent.click(await screen.findByRole('button', { name: 'Restore the tree to this version' }));
    expect(await screen.findByRole('list', { name: 'Files the restore changes' })).toHaveTextContent(
      'collections/movies.yml',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Commit' }));
    await vi.waitFor(() => expect(restores).toHaveLength(1));
    expect(restores[0]?.body).toEqual({ message: 'Restore the whole tree to abc1234' });
  });
  it('a viewer gets no restore controls', async () => {
    serve();
    renderApp(<CommitPage />, { path: '/history/abc1234000', route: '/history/:sha', as: 'viewer' });
    expect(await screen.findByRole('heading', { name: 'Tune movies' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Restore/ })).toBeNull();
  });
});
