import { act, render, renderHook, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { CursorPager, useCursorPages } from './CursorPager';

describe('useCursorPages', () => {
  it('walks older pages by cursor and back, and resets to the first page', () => {
    const { result } = renderHook(() => useCursorPages());
    expect(result.current.cursor).toBeUndefined();
    act(() => result.current.older('c1'));
    act(() => result.current.older('c2'));
    expect([result.current.cursor, result.current.depth]).toEqual(['c2', 2]);
    act(() => result.current.newer());
    expect(result.current.cursor).toBe('c1');
    act(() => result.current.reset());
    expect(result.current.depth).toBe(0);
  });
});

describe('CursorPager', () => {
  function Harness({ next }: { next: string | null }) {
    const pages = useCursorPages();
    return (
      <>
        <span data-testid="cursor">{pages.cursor ?? 'first'}</span>
        <CursorPager pages={pages} nextCursor={next} />
      </>
    );
  }

  it('Newer is off on the first page and Older without a next cursor', async () => {
    const { rerender } = render(<Harness next="c1" />);
    expect(screen.getByRole('button', { name: 'Newer' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Older' }));
    expect(screen.getByTestId('cursor')).toHaveTextContent('c1');
    rerender(<Harness next={null} />);
    expect(screen.getByRole('button', { name: 'Older' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Newer' })).toBeEnabled();
  });
});
