import { describe, expect, it } from 'vitest';
import { shortSha, timeAgo } from './time';

const now = Date.parse('2026-12-07T12:00:00Z');

describe('timeAgo', () => {
  it.each([
    ['2026-12-07T11:59:50Z', 'just now'],
    ['2026-12-07T11:55:00Z', '5 min ago'],
    ['2026-12-07T09:00:00Z', '3 h ago'],
    ['2026-12-05T12:00:00Z', '2 d ago'],
  ])('%s is %s', (iso, text) => {
    expect(timeAgo(iso, now)).toBe(text);
  });

  it('leaves text that is no time alone', () => {
    expect(timeAgo('not a time', now)).toBe('not a time');
  });
});

describe('shortSha', () => {
  it('shows seven characters, or a dash for none', () => {
    expect(shortSha('0123456789abcdef')).toBe('0123456');
    expect(shortSha(null)).toBe('—');
  });
});
