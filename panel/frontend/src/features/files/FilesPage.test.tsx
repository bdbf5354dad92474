import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Role } from '../../shared/api/models';
import { fakeApi, renderApp, signIn } from '../../test/render';
import { readDraft, writeDraft } from './drafts';
import FilesPage, { lineParam } from './FilesPage';

vi.mock('../../shared/editor/MonacoPanes', () => import('../../test/monacoStub'));
afterEach(() => vi.unstubAllGlobals());

const FILE = { path: 'config.yml', content: 'a: 1\n', blob: 'blob1', commit: 'base0000' };
const TREE = {
  commit: 'base0000',
  items: [{ path: 'config.yml', blob: 'blob1', size: 5 }],
  next_cursor: null,
};

type Put = { status?: number; data?: unknown; error?: { code: string; message: string; details?: unknown } };

function serve(put: (body: { content: string; base: string; message: string }) => Put) {
  return fakeApi(({ method, url, body }) => {
    if (url.pathname === '/api/files') return { data: TREE };
    if (url.pathname === '/api/files/config.yml' && method === 'GET') return { data: FILE };
    if (url.pathname === '/api/files/config.yml' && method === 'PUT') return put(body as never);
    return { status: 404, error: { code: 'not_found', message: url.pathname } };
  });
}

async function openAs(role: Role) {
  const view = renderApp(<FilesPage />, { path: '/files/config.yml', route: '/files/*' });
  signIn(view.store, role);
  await screen.findByLabelText('Editor for config.yml');
  return view;
}

async function editAndReview(text: string) {
  const editor = screen.getByLabelText('Editor for config.yml');
  fireEvent.change(editor, { target: { value: text } });
  fireEvent.keyDown(editor, { key: 's', ctrlKey: true });
  return screen.findByRole('dialog');
}

const commit = {
  sha: 'c0ffee0000',
  author: { name: 'a', email: '' },
  message: 'm',
  time: '',
  parents: [],
  files: [],
};

describe('FilesPage', () => {
  it('reads ?line= as a positive whole number only', () => {
    expect([lineParam('42'), lineParam('0'), lineParam('-3'), lineParam('x'), lineParam(null)]).toEqual([
      42,
      null,
      null,
      null,
      null,
    ]);
  });

  it('a viewer gets a read-only editor and no commit controls', async () => {
    serve(() => ({ status: 403 }));
    await openAs('viewer');
    expect(screen.getByLabelText('Editor for config.yml')).toHaveAttribute('readonly');
    expect(screen.getByText('Read only')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Review/ })).toBeNull();
  });

  it('an edit becomes a draft in the browser; Ctrl+S opens the review with the diff and a message', async () => {
    serve(() => ({ data: commit }));
    await openAs('editor');
    const dialog = await editAndReview('a: 2\n');
    expect(screen.getByText('Unsaved draft')).toBeInTheDocument();
    expect(readDraft('config.yml')).toMatchObject({ content: 'a: 2\n', base: 'base0000' });
    expect(within(dialog).getByTestId('diff-original')).toHaveTextContent('a: 1');
    expect(within(dialog).getByTestId('diff-modified')).toHaveTextContent('a: 2');
    expect(within(dialog).getByLabelText(/Commit message/)).toHaveValue('Update config.yml');
  });

  it('commit sends the text, the base and the message, then drops the draft and says so', async () => {
    const spy = serve(() => ({ data: commit }));
    const { store } = await openAs('editor');
    const dialog = await editAndReview('a: 2\n');
    const message = within(dialog).getByLabelText(/Commit message/);
    await userEvent.clear(message);
    await userEvent.type(message, 'Raise a');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Commit' }));
    await waitFor(() => expect(store.getState().ui.toasts[0]?.text).toBe('Committed c0ffee0'));
    const put = spy.mock.calls.find((call) => call[1]?.method === 'PUT');
    expect(JSON.parse(String(put?.[1]?.body))).toEqual({
      content: 'a: 2\n',
      base: 'base0000',
      message: 'Raise a',
    });
    expect(readDraft('config.yml')).toBeNull();
  });

  it('a 422 lists the problems at file:line:col and commits nothing', async () => {
    const problem = {
      file: 'config.yml',
      line: 1,
      column: 4,
      pointer: '',
      severity: 'error',
      code: 'yaml',
      message: 'bad',
      hint: null,
    };
    serve(() => ({
      status: 422,
      error: { code: 'validation_failed', message: '1 error', details: { problems: [problem] } },
    }));
    await openAs('editor');
    const dialog = await editAndReview('a: b: c\n');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Commit' }));
    expect(await within(dialog).findByText(/Nothing was committed/)).toBeInTheDocument();
    expect(within(dialog).getByText('config.yml:1:4')).toBeInTheDocument();
    expect(readDraft('config.yml')?.content).toBe('a: b: c\n');
  });

  it('a 409 turns the review into a merge of theirs and an editable result, committed on their head', async () => {
    const conflict = {
      base: 'base0000',
      head: 'head1111',
      paths: ['config.yml'],
      files: [{ path: 'config.yml', theirs: 'a: 1\nb: 2\n', yours: 'a: 3\n' }],
    };
    let puts = 0;
    const spy = serve(() => {
      puts += 1;
      return puts === 1
        ? { status: 409, error: { code: 'conflict', message: 'changed', details: conflict } }
        : { data: commit };
    });
    await openAs('editor');
    const dialog = await editAndReview('a: 3\n');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Commit' }));
    expect(await within(dialog).findByText('Merge config.yml')).toBeInTheDocument();
    expect(within(dialog).getByTestId('diff-original')).toHaveTextContent('b: 2');
    fireEvent.change(within(dialog).getByLabelText('Result'), { target: { value: 'a: 3\nb: 2\n' } });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Commit the result' }));
    await waitFor(() => expect(puts).toBe(2));
    const last = spy.mock.calls.filter((call) => call[1]?.method === 'PUT').at(-1);
    expect(JSON.parse(String(last?.[1]?.body))).toMatchObject({ content: 'a: 3\nb: 2\n', base: 'head1111' });
  });

  it('a draft left from before a reload is restored with its base', async () => {
    writeDraft('config.yml', { content: 'a: 9\n', base: 'older000', savedAt: new Date().toISOString() });
    serve(() => ({ data: commit }));
    await openAs('editor');
    expect(screen.getByLabelText('Editor for config.yml')).toHaveValue('a: 9\n');
    expect(screen.getByText(/Restored your unsaved draft/)).toHaveTextContent('older00');
    await userEvent.click(screen.getByRole('button', { name: 'Discard' }));
    expect(screen.getByLabelText('Editor for config.yml')).toHaveValue('a: 1\n');
    expect(readDraft('config.yml')).toBeNull();
  });
});
