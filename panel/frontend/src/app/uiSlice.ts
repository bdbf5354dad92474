import { createSlice, nanoid, type PayloadAction } from '@reduxjs/toolkit';
import type { Commit } from '../shared/api/models';
import { shortSha } from '../shared/time';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type ToastKind = 'success' | 'info' | 'warning' | 'error';

export interface Toast {
  id: string;
  kind: ToastKind;
  text: string;
  /** An in-app link to the object the toast is about. */
  link?: { to: string; label: string };
}

export interface UiState {
  theme: ThemeChoice;
  toasts: Toast[];
}

export const THEME_KEY = 'kometa-panel.theme';

function storedTheme(): ThemeChoice {
  try {
    const value = globalThis.localStorage?.getItem(THEME_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

export const uiSlice = createSlice({
  name: 'ui',
  initialState: (): UiState => ({ theme: storedTheme(), toasts: [] }),
  reducers: {
    themeChosen(state, action: PayloadAction<ThemeChoice>) {
      state.theme = action.payload;
    },
    toastShown: {
      reducer(state, action: PayloadAction<Toast>) {
        state.toasts.push(action.payload);
      },
      prepare(toast: Omit<Toast, 'id'>) {
        return { payload: { ...toast, id: nanoid() } };
      },
    },
    toastClosed(state, action: PayloadAction<string>) {
      state.toasts = state.toasts.filter((toast) => toast.id !== action.payload);
    },
  },
});

export const { themeChosen, toastShown, toastClosed } = uiSlice.actions;

/** The theme after 'system' is resolved against the browser's preference. */
export function effectiveMode(choice: ThemeChoice, prefersDark: boolean): 'light' | 'dark' {
  if (choice === 'system') return prefersDark ? 'dark' : 'light';
  return choice;
}

/** The next choice of the header's toggle: system → light → dark → system. */
export function nextTheme(choice: ThemeChoice): ThemeChoice {
  return choice === 'system' ? 'light' : choice === 'light' ? 'dark' : 'system';
}

/** The toast after a commit: its short sha (or `unchangedText` when nothing changed) and a link to it. */
export function commitToast(commit: Commit, verb = 'Committed', unchangedText = 'Nothing changed') {
  return toastShown({
    kind: 'success',
    text: commit.unchanged ? unchangedText : `${verb} ${shortSha(commit.sha)}`,
    link: { to: `/history/${commit.sha}`, label: 'View commit' },
  });
}
