import { describe, expect, it } from 'vitest';
import { fileMatchFor, languageFor, modelUri, schemaFor, SCHEMA_FILES } from './schemaFor';

describe('schemaFor', () => {
  it.each([
    ['config.yml', 'config'],
    ['config.yaml', 'config'],
    ['collections/movies.yml', 'collection'],
    ['collections/nested/tv.yaml', 'collection'],
    ['overlays/ratings.yml', 'overlay'],
    ['playlists/best.yml', 'playlist'],
    ['metadata/movies.yml', 'metadata'],
  ])('%s uses the %s schema', (path, schema) => {
    expect(schemaFor(path)).toBe(schema);
  });

  it.each(['README.md', '.gitignore', 'collections/notes.txt', 'other/config.yml'])('%s has none', (path) => {
    expect(schemaFor(path)).toBeNull();
  });

  it('gives monaco-yaml patterns on the editor URIs', () => {
    expect(fileMatchFor(SCHEMA_FILES[0]!)).toEqual([modelUri('config.yml'), modelUri('config.yaml')]);
    expect(fileMatchFor(SCHEMA_FILES[1]!)).toEqual([
      'file:///repo/collections/*.yml',
      'file:///repo/collections/*.yaml',
    ]);
  });

  it('picks the editor language from the extension', () => {
    expect(['a.yml', 'b.json', 'README.md', '.gitignore'].map(languageFor)).toEqual([
      'yaml',
      'json',
      'markdown',
      'plaintext',
    ]);
  });
});
