import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { draftKey, draftPaths, readDraft, useDraft, writeDraft } from './drafts';

describe('drafts', () => {
  it('round-trips through localStorage', () => {
    writeDraft('config.yml', { content: 'a: 1', base: 'abc', savedAt: 't' });
    expect(readDraft('config.yml')).toEqual({ content: 'a: 1', base: 'abc', savedAt: 't' });
    writeDraft('config.yml', null);
    expect(readDraft('config.yml')).toBeNull();
  });

  it('ignores a corrupt or foreign entry', () => {
    localStorage.setItem(draftKey('x.yml'), '{not json');
    localStorage.setItem(draftKey('y.yml'), JSON.stringify({ content: 5 }));
    expect(readDraft('x.yml')).toBeNull();
    expect(readDraft('y.yml')).toBeNull();
  });

  it('lists the paths that have a draft', () => {
    writeDraft('b.yml', { content: '', base: 'x', savedAt: '' });
    writeDraft('a.yml', { content: '', base: 'x', savedAt: '' });
    localStorage.setItem('unrelated', '1');
    expect(draftPaths()).toEqual(['a.yml', 'b.yml']);
  });

  it('useDraft keeps an edit, and drops it once the text is back to the committed one', () => {
    const { result } = renderHook(() => useDraft('config.yml'));
    act(() => result.current.save('edited', 'base1', 'committed'));
    expect(result.current.draft).toMatchObject({ content: 'edited', base: 'base1' });
    expect(readDraft('config.yml')?.content).toBe('edited');
    act(() => result.current.save('committed', 'base1', 'committed'));
    expect(result.current.draft).toBeNull();
    expect(readDraft('config.yml')).toBeNull();
  });

  it('useDraft restores a draft after a reload and can discard it', () => {
    writeDraft('config.yml', { content: 'kept', base: 'b', savedAt: '' });
    const { result } = renderHook(() => useDraft('config.yml'));
    expect(result.current.draft?.content).toBe('kept');
    act(() => result.current.discard());
    expect(readDraft('config.yml')).toBeNull();
  });
});
