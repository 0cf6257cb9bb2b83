import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './text-diff';

// Expected outputs are what GNU diffutils 3.8 `diff -u --label a --label b` prints for the same inputs.
describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('x\n', 'x\n', 'a', 'b')).toBe('');
  });

  it('shows an appended line with its context', () => {
    const a = '127.0.0.1 localhost\n10.0.0.5 db.internal db\n';
    const b = `${a}10.0.0.9 cache.internal cache\n`;
    expect(unifiedDiff(a, b, 'snapshot:/etc/hosts', 'origin:/etc/hosts')).toBe(
      '--- snapshot:/etc/hosts\n+++ origin:/etc/hosts\n@@ -1,2 +1,3 @@\n 127.0.0.1 localhost\n 10.0.0.5 db.internal db\n+10.0.0.9 cache.internal cache\n',
    );
  });

  it('puts removals before additions and keeps far changes in separate hunks', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n') + '\n';
    const b = a.replace('l1\n', 'L1\n').replace('l18\n', '');
    expect(unifiedDiff(a, b, 'a', 'b')).toBe(
      ['--- a', '+++ b', '@@ -1,5 +1,5 @@', ' l0', '-l1', '+L1', ' l2', ' l3', ' l4', '@@ -16,5 +16,4 @@', ' l15', ' l16', ' l17', '-l18', ' l19', ''].join('\n'),
    );
  });

  it('handles an empty side', () => {
    expect(unifiedDiff('', 'new\n', 'a', 'b')).toBe('--- a\n+++ b\n@@ -0,0 +1 @@\n+new\n');
  });

  it('refuses pairs too large to compare line by line', () => {
    const a = Array.from({ length: 3000 }, (_, i) => `a${i}`).join('\n');
    const b = Array.from({ length: 3000 }, (_, i) => `b${i}`).join('\n');
    expect(unifiedDiff(a, b, 'a', 'b')).toBeNull();
  });
});
