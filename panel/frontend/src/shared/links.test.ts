import { describe, expect, it } from 'vitest';
import { collectionLink, fileLink, parseCollectionSplat } from './links';

describe('links', () => {
  it('a file link carries the line only when there is one', () => {
    expect(fileLink('collections/movies.yml', 35)).toBe('/files/collections/movies.yml?line=35');
    expect(fileLink('config.yml')).toBe('/files/config.yml');
  });
  it('a collection link round-trips through the splat, slashes in the name included', () => {
    const link = collectionLink('collections/movies.yml', 'Top / Rated 100%');
    expect(link).toBe('/collections/collections/movies.yml/Top%20%2F%20Rated%20100%25');
    expect(parseCollectionSplat(link.slice('/collections/'.length))).toEqual({
      file: 'collections/movies.yml',
      name: 'Top / Rated 100%',
    });
  });
  it('a splat without a YAML file or a name is no collection', () => {
    expect(parseCollectionSplat('collections/movies')).toBeNull();
    expect(parseCollectionSplat('movies.yml')).toBeNull();
  });
});
