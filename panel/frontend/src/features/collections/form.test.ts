import { describe, expect, it } from 'vitest';
import { builderOf, buildersFor, readForm, writeBuilder, writeField } from './form';

const TEXT = 'plex_search:\n  all:\n    genre: Action  # keep me\nsummary: Old\nschedule: daily\n';

describe('collection form', () => {
  it('reads the common keys and the builder from the YAML', () => {
    expect(readForm(TEXT)).toEqual({
      builder: 'plex_search',
      summary: 'Old',
      sort_title: '',
      collection_order: '',
      sync_mode: '',
      schedule: 'daily',
    });
  });
  it('a text that is not a mapping has no form', () => {
    expect(readForm('- a\n- b\n')).toBeNull();
    expect(readForm('a: [\n')).toBeNull();
  });
  it('writing a field keeps comments and other keys; an empty value removes the key', () => {
    const written = writeField(TEXT, 'summary', 'New words');
    expect(written).toContain('genre: Action # keep me');
    expect(readForm(written)?.summary).toBe('New words');
    const added = writeField(written, 'sync_mode', 'sync');
    expect(readForm(added)?.sync_mode).toBe('sync');
    expect(readForm(writeField(added, 'schedule', ''))?.schedule).toBe('');
    expect(writeField(added, 'schedule', '')).not.toContain('schedule');
  });
  it('flow collections and long lines are written back as they were', () => {
    const long = `summary: ${'word '.repeat(30).trim()}\nfilters: {content_rating: [R, NC-17]}\n`;
    expect(writeField(long, 'sort_title', 'x')).toBe(`${long}sort_title: x\n`);
  });
  it('an empty text becomes a mapping', () => {
    expect(writeField('', 'summary', 'x')).toBe('summary: x\n');
  });
  it('changing the builder swaps the key and starts the new one', () => {
    const swapped = writeBuilder(TEXT, 'tmdb_collection');
    expect(readForm(swapped)?.builder).toBe('tmdb_collection');
    expect(swapped).not.toContain('plex_search');
    expect(swapped).toContain('tmdb_collection: 10');
    expect(writeBuilder(TEXT, 'plex_search')).toBe(TEXT);
  });
  it('offers the builders that fit the library type', () => {
    expect(buildersFor('show').map((b) => b.key)).toContain('tvdb_show');
    expect(buildersFor('show').map((b) => b.key)).not.toContain('tmdb_collection');
    expect(buildersFor('movie').map((b) => b.key)).not.toContain('tvdb_show');
  });
  it('finds builders it has no picker entry for by their prefix', () => {
    expect(builderOf({ summary: 'x', anilist_top_rated: true })).toBe('anilist_top_rated');
    expect(builderOf({ summary: 'x' })).toBeNull();
  });
});
