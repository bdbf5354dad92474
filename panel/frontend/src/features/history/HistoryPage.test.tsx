import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Commit } from '../../shared/api/models';
import { fakeApi, renderApp, signIn } from '../../test/render';
import HistoryPage, { matchesFilters } from './HistoryPage';

afterEach(() => vi.unstubAllGlobals());

const commit = (sha: string, message: string, name = 'admin'): Commit => ({
  sha,
  message,
  author: { name, email: `${name}@x` },
  time: '2026-12-07T10:00:00Z',
  parents: ['p'],
  files: ['config.yml'],
});

describe('matchesFilters', () => {
  const c = commit('abc1234', 'Raise the limit', 'Vera');
  it('matches author name or email, any case', () => {
    expect(matchesFilters(c, 'vera', '')).toBe(true);
    expect(matchesFilters(c, 'vera@x', '')).toBe(true);
    expect(matchesFilters(c, 'bob', '')).toBe(false);
  });
  it('matches message text or a SHA prefix', () => {
    expect(matchesFilters(c, '', 'LIMIT')).toBe(true);
    expect(matchesFilters(c, '', 'abc1')).toBe(true);
    expect(matchesFilters(c, '', 'nope')).toBe(false);
  });
});

describe('HistoryPage', () => {
  it('lists commits, sends the path filter from the URL and pages with the cursor', async () => {
    const spy = fakeApi(({ url }) =>
      url.searchParams.get('cursor') === 'c2'
        ? { data: { items: [commit('0ld0000', 'Older change')], next_cursor: null } }
        : { data: { items: [commit('f00d000', 'Newest change')], next_cursor: 'c2' } },
    );
    const { store } = renderApp(<HistoryPage />, { path: '/history?path=config.yml' });
    signIn(store);
    expect(await screen.findByText('Newest change')).toBeInTheDocument();
    expect(new URL(String(spy.mock.calls[0]?.[0]), 'http://x').searchParams.get('path')).toBe('config.yml');
    await userEvent.click(screen.getByRole('button', { name: 'Older' }));
    expect(await screen.findByText('Older change')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Newer' })).toBeEnabled();
  });

  it('filters by author in the page and says when nothing matches', async () => {
    fakeApi(() => ({
      data: { items: [commit('a1', 'One', 'admin'), commit('b2', 'Two', 'vera')], next_cursor: null },
    }));
    const { store } = renderApp(<HistoryPage />, { path: '/history?author=vera' });
    signIn(store);
    expect(await screen.findByText('Two')).toBeInTheDocument();
    expect(screen.queryByText('One')).toBeNull();
    await userEvent.clear(screen.getByLabelText('Author'));
    await userEvent.type(screen.getByLabelText('Author'), 'zed');
    await waitFor(() => expect(screen.getByText('No commits match these filters.')).toBeInTheDocument());
  });
});
