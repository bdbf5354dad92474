import { describe, expect, it } from 'vitest';
import { conflictOf, describeFailure, problemsOf, toFailure, type ApiFailure } from './errors';

const failure = (status: number, details: Record<string, unknown> = {}): ApiFailure => ({
  status,
  code: 'x',
  message: 'server says',
  details,
});

describe('errors', () => {
  it('passes an ApiFailure through and wraps thrown errors as network failures', () => {
    expect(toFailure(failure(409))).toEqual(failure(409));
    expect(toFailure(new Error('offline'))).toMatchObject({
      status: 0,
      code: 'network_error',
      message: 'offline',
    });
    expect(toFailure('junk').status).toBe(0);
  });

  it('reads the problem list of a 422', () => {
    const problem = { file: 'config.yml', line: 2, column: 1, message: 'bad' };
    expect(problemsOf(failure(422, { problems: [problem] }))).toEqual([problem]);
    expect(problemsOf(failure(422))).toEqual([]);
    expect(problemsOf(undefined)).toEqual([]);
  });

  it('reads a 409 with both versions, and nothing else, as a conflict', () => {
    const details = { base: 'a', head: 'b', paths: ['x'], files: [{ path: 'x', theirs: '1', yours: '2' }] };
    expect(conflictOf(failure(409, details))?.head).toBe('b');
    expect(conflictOf(failure(409))).toBeNull();
    expect(conflictOf(failure(422, details))).toBeNull();
  });

  it('says what to do when the panel cannot be reached', () => {
    expect(describeFailure(failure(0))).toMatch(/could not be reached/);
    expect(describeFailure(failure(403))).toMatch(/not allowed/);
    expect(describeFailure(failure(422))).toBe('server says');
  });
});
