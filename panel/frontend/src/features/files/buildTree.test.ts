import { describe, expect, it } from 'vitest';
import { ancestors, buildTree } from './buildTree';

describe('buildTree', () => {
  it('nests paths into folders, folders first, then by name', () => {
    const tree = buildTree([
      'config.yml',
      'collections/tv.yml',
      'README.md',
      'collections/movies.yml',
      '.vscode/settings.json',
    ]);
    expect(tree.map((n) => n.name)).toEqual(['.vscode', 'collections', 'config.yml', 'README.md']);
    expect(tree[1]?.children?.map((n) => n.path)).toEqual(['collections/movies.yml', 'collections/tv.yml']);
    expect(tree[2]?.children).toBeNull();
  });

  it('handles deep folders and an empty repository', () => {
    expect(buildTree(['a/b/c/d.yml'])[0]?.children?.[0]?.children?.[0]?.children?.[0]?.path).toBe(
      'a/b/c/d.yml',
    );
    expect(buildTree([])).toEqual([]);
  });

  it('lists the folders on the way to a file', () => {
    expect(ancestors('a/b/c.yml')).toEqual(['a', 'a/b']);
    expect(ancestors('config.yml')).toEqual([]);
  });
});
