import { fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, renderApp } from '../../test/render';
import FilesPage from './FilesPage';
import { changeFor, checkTarget } from './FileOperation';

vi.mock('../../shared/editor/MonacoPanes', () => import('../../test/monacoStub'));
afterEach(() => vi.unstubAllGlobals());

const FILE = { path: 'config.yml', content: 'a: 1\n', blob: 'blob1', commit: 'base0000' };
const TREE = {
  commit: 'base0000',
  items: [{ path: 'config.yml', blob: 'blob1', size: 5 }],
  next_cursor: null,
};
const COMMIT = {
  sha: 'c0ffee0000',
  author: { name: 'a', email: '' },
  message: 'm',
  time: '',
  parents: [],
  files: [],
};

function serve() {
  const posts: unknown[] = [];
  fakeApi(({ method, url, body }) => {
    if (url.pathname === '/api/files' && method === 'POST') {
      posts.push(body);
      return { data: COMMIT };
    }
    if (url.pathname === '/api/files') return { data: TREE };
    if (url.pathname === '/api/files/config.yml') return { data: FILE };
    if (url.pathname === '/api/validate') return { data: { problems: [] } };
    return { status: 404, error: { code: 'not_found', message: url.pathname } };
  });
  return posts;
}

describe('file operations', () => {
  it('each operation is one batch change', () => {
    const base = 'b';
    expect(changeFor({ kind: 'create', base }, 'new.yml', 'x: 1\n')).toEqual({
      path: 'new.yml',
      content: 'x: 1\n',
      delete: false,
    });
    expect(changeFor({ kind: 'rename', base, path: 'a.yml', content: '' }, 'b.yml', '')).toEqual({
      path: 'b.yml',
      from: 'a.yml',
      delete: false,
    });
    expect(changeFor({ kind: 'delete', base, path: 'a.yml', content: '' }, 'a.yml', '')).toEqual({
      path: 'a.yml',
      delete: true,
    });
  });
  it('a target path must be new and inside the repository', () => {
    expect(checkTarget('collections/a.yml', ['config.yml'])).toBeNull();
    expect(checkTarget('config.yml', ['config.yml'])).toMatch(/exists already/);
    expect(checkTarget('../x.yml', [])).toMatch(/inside the repository/);
    expect(checkTarget('', [])).toMatch(/path/);
  });
  it('rename asks the new path, reviews and commits a rename on the base', async () => {
    const posts = serve();
    renderApp(<FilesPage />, { path: '/files/config.yml', route: '/files/*', as: 'editor' });
    await userEvent.click(await screen.findByRole('button', { name: 'Rename' }));
    fireEvent.change(screen.getByLabelText('Path'), { target: { value: 'settings.yml' } });
    await userEvent.click(screen.getByRole('button', { name: 'Review' }));
    expect(
      screen.getByRole('dialog', { name: 'Review changes to renaming config.yml to settings.yml' }),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Commit' }));
    await vi.waitFor(() => expect(posts).toHaveLength(1));
    expect(posts[0]).toEqual({
      base: 'base0000',
      message: 'Rename config.yml to settings.yml',
      changes: [{ path: 'settings.yml', from: 'config.yml', delete: false }],
    });
  });
  it('delete reviews the removal and commits it', async () => {
    const posts = serve();
    renderApp(<FilesPage />, { path: '/files/config.yml', route: '/files/*', as: 'editor' });
    await userEvent.click(await screen.findByRole('button', { name: 'Delete' }));
    expect(screen.getByTestId('diff-original')).toHaveTextContent('a: 1');
    await userEvent.click(screen.getByRole('button', { name: 'Commit' }));
    await vi.waitFor(() => expect(posts).toHaveLength(1));
    expect(posts[0]).toMatchObject({
      changes: [{ path: 'config.yml', delete: true }],
      message: 'Delete config.yml',
    });
  });
  it('new file commits its reviewed text', async () => {
    const posts = serve();
    renderApp(<FilesPage />, { path: '/files', route: '/files/*', as: 'editor' });
    await userEvent.click(await screen.findByRole('button', { name: 'New file' }));
    fireEvent.change(screen.getByLabelText('Path'), { target: { value: 'collections/new.yml' } });
    await userEvent.click(screen.getByRole('button', { name: 'Review' }));
    await userEvent.click(screen.getByRole('button', { name: 'Commit' }));
    await vi.waitFor(() => expect(posts).toHaveLength(1));
    expect(posts[0]).toMatchObject({ changes: [{ path: 'collections/new.yml', content: '' }] });
  });
});
