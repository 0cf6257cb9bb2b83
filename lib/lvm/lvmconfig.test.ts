import { describe, expect, it } from 'vitest';
import { parseLvmconfigAutoextend } from './lvmconfig';

describe('parseLvmconfigAutoextend', () => {
  it('reads the lab\'s output (lvm2 2.03.16, `lvmconfig --typeconfig full activation/...`, recorded in the lab)', () => {
    const out = 'snapshot_autoextend_threshold=100\nsnapshot_autoextend_percent=20\nmonitoring=0\n';
    expect(parseLvmconfigAutoextend(out)).toEqual({ ok: true, value: { threshold: 100, percent: 20, monitoring: false } });
  });

  it('accepts indentation and an enabled configuration', () => {
    const out = '  snapshot_autoextend_threshold=70\n  snapshot_autoextend_percent=25\n  monitoring=1\n';
    expect(parseLvmconfigAutoextend(out)).toEqual({ ok: true, value: { threshold: 70, percent: 25, monitoring: true } });
  });

  it('refuses output without one of the keys, or with a value that is not a number', () => {
    expect(parseLvmconfigAutoextend('snapshot_autoextend_threshold=100\nmonitoring=0\n').ok).toBe(false);
    expect(parseLvmconfigAutoextend('snapshot_autoextend_threshold=x\nsnapshot_autoextend_percent=20\nmonitoring=0').ok).toBe(false);
    expect(parseLvmconfigAutoextend('').ok).toBe(false);
  });
});
