import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { shellJoin, shellQuote } from './quote';
import { HOSTILE_ARGS } from './hostile-args';

describe('shellQuote', () => {
  it.each([
    ['web', 'web'],
    ['/dev/vg0/web', '/dev/vg0/web'],
    ['', "''"],
    ['two words', "'two words'"],
    ["it's", `'it'\\''s'`],
    ['$(id)', "'$(id)'"],
    ['-n', '-n'],
    ['a\nb', "'a\nb'"],
  ])('quotes %j as %s', (input, expected) => {
    expect(shellQuote(input)).toBe(expected);
  });

  it('refuses NUL, which no argv can carry', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });

  it('round-trips every hostile argument through a real POSIX shell', () => {
    // printf '%s\0' prints each argument followed by NUL: the output proves both the bytes and the word boundaries.
    const line = shellJoin(['printf', '%s\\0', ...HOSTILE_ARGS]);
    for (const sh of ['/bin/sh', '/bin/bash']) {
      const out = execFileSync(sh, ['-c', line], { encoding: 'utf8' });
      expect(out.split('\0').slice(0, -1)).toEqual(HOSTILE_ARGS);
    }
  });

  it('refuses an empty argv', () => {
    expect(() => shellJoin([])).toThrow(/empty/);
  });
});
