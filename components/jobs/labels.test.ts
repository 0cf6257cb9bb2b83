import { describe, expect, it } from 'vitest';
import { jobTarget, operationLabel } from './labels';

describe('job labels', () => {
  it('names the target of each operation', () => {
    expect(jobTarget('create-snapshot', { vg: 'vg0', origin: 'web', name: 'web_snap' })).toBe('vg0/web_snap (of web)');
    expect(jobTarget('export-snapshot', { vg: 'vg0', snapshot: 's', file: 'f.qcow2' })).toBe('vg0/s → f.qcow2');
    expect(jobTarget('remove-snapshot', { vg: 'vg0', snapshot: 's', confirmName: 's' })).toBe('vg0/s');
  });
  it('labels operations, unknown ones as they are', () => {
    expect(operationLabel('merge-snapshot')).toBe('Merge snapshot (rollback)');
    expect(operationLabel('frobnicate')).toBe('frobnicate');
  });
});
