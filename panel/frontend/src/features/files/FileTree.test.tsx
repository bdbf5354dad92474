import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { FileTree } from './FileTree';

const paths = ['config.yml', 'collections/movies.yml', 'collections/tv.yml'];

describe('FileTree', () => {
  it('opens at the selected file and marks it', () => {
    render(<FileTree paths={paths} selected="collections/tv.yml" drafts={[]} onOpen={() => {}} />);
    expect(screen.getByRole('button', { name: 'tv.yml' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('button', { name: 'collections' })).toHaveAttribute('aria-expanded', 'true');
  });

  it('folders open and close with the keyboard too', async () => {
    render(<FileTree paths={paths} selected={null} drafts={[]} onOpen={() => {}} />);
    expect(screen.queryByRole('button', { name: 'movies.yml' })).toBeNull();
    screen.getByRole('button', { name: 'collections' }).focus();
    await userEvent.keyboard('{Enter}');
    expect(screen.getByRole('button', { name: 'movies.yml' })).toBeInTheDocument();
  });

  it('choosing a file opens it by its full path', async () => {
    const onOpen = vi.fn();
    render(<FileTree paths={paths} selected={null} drafts={[]} onOpen={onOpen} />);
    await userEvent.click(screen.getByRole('button', { name: 'config.yml' }));
    expect(onOpen).toHaveBeenCalledWith('config.yml');
  });

  it('marks files that have a draft', () => {
    render(<FileTree paths={paths} selected={null} drafts={['config.yml']} onOpen={() => {}} />);
    expect(screen.getByRole('button', { name: /config\.yml/ })).toHaveTextContent('draft');
  });
});
