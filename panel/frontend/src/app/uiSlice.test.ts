import { describe, expect, it } from 'vitest';
import { makeStore } from './store';
import { effectiveMode, nextTheme, THEME_KEY, themeChosen, toastClosed, toastShown } from './uiSlice';

describe('theme', () => {
  it('follows the system by default', () => {
    expect(makeStore().getState().ui.theme).toBe('system');
    expect(effectiveMode('system', true)).toBe('dark');
    expect(effectiveMode('system', false)).toBe('light');
  });

  it('an explicit choice wins over the system', () => {
    expect(effectiveMode('light', true)).toBe('light');
    expect(effectiveMode('dark', false)).toBe('dark');
  });

  it('the toggle cycles system → light → dark → system', () => {
    expect([nextTheme('system'), nextTheme('light'), nextTheme('dark')]).toEqual(['light', 'dark', 'system']);
  });

  it('the choice survives a reload (localStorage)', () => {
    const store = makeStore();
    store.dispatch(themeChosen('dark'));
    expect(localStorage.getItem(THEME_KEY)).toBe('dark');
    expect(makeStore().getState().ui.theme).toBe('dark');
  });

  it('a junk stored value falls back to the system', () => {
    localStorage.setItem(THEME_KEY, 'purple');
    expect(makeStore().getState().ui.theme).toBe('system');
  });
});

describe('toasts', () => {
  it('are shown with an id and closed by it', () => {
    const store = makeStore();
    store.dispatch(toastShown({ kind: 'success', text: 'Committed abc1234' }));
    store.dispatch(toastShown({ kind: 'error', text: 'Failed' }));
    const [first, second] = store.getState().ui.toasts;
    expect(first?.id).not.toEqual(second?.id);
    store.dispatch(toastClosed(first?.id ?? ''));
    expect(store.getState().ui.toasts.map((t) => t.text)).toEqual(['Failed']);
  });
});
