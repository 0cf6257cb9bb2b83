import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportFileName, fieldError, OPERATION_SCHEMAS, validateOperationParams } from './schemas';
import { OPERATIONS } from './registry';

describe('operation schemas', () => {
  it('are browser-safe: no server-only, node: or host imports, only zod and the LVM naming rules', () => {
    const text = readFileSync(path.join(import.meta.dirname, 'schemas.ts'), 'utf8');
    const imports = [...text.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
    // The backup operations' schemas (issue 11) live in lib/backup/schemas.ts, browser-safe by the same rule.
    // Issue 14: move/copy-guest's in lib/move/schemas.ts, by the same rule.
    expect(imports).toEqual(['zod', '@/lib/lvm/name-schemas', '@/lib/backup/schemas', '@/lib/move/schemas']);
    const move = readFileSync(path.join(import.meta.dirname, '../move/schemas.ts'), 'utf8');
    expect([...move.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1])).toEqual(['zod', '@/lib/lvm/name-schemas']);
    const backup = readFileSync(path.join(import.meta.dirname, '../backup/schemas.ts'), 'utf8');
    expect([...backup.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1])).toEqual(['zod', '@/lib/lvm/name-schemas']);
    // The name schemas they share: zod and the naming rules, nothing else.
    const nameSchemas = readFileSync(path.join(import.meta.dirname, '../lvm/name-schemas.ts'), 'utf8');
    expect([...nameSchemas.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1])).toEqual(['zod', './names']);
    const names = readFileSync(path.join(import.meta.dirname, '../lvm/names.ts'), 'utf8');
    expect(names).not.toMatch(/^import /m);
  });

  it('are the very schemas the API validates with', () => {
    for (const [name, schema] of Object.entries(OPERATION_SCHEMAS)) {
      expect(OPERATIONS[name as keyof typeof OPERATIONS]?.schema, name).toBe(schema);
    }
  });

  it.each([
    ['create-snapshot', { vg: 'vg0', origin: '-rf' }, 'origin: "-rf" starts with "-", which LVM does not allow.'],
    ['extend-snapshot', { vg: 'vg0', snapshot: 's', addBytes: 0 }, 'addBytes: Too small: expected number to be >0'],
    ['export-snapshot', { vg: 'vg0', snapshot: 's', file: 'a/b.qcow2' }, 'file: a file name of letters, digits, ".", "_" and "-" ending in .qcow2 (no directories)'],
    ['merge-snapshot', { vg: 'vg 0', snapshot: 's', mode: 'now' }, 'vg: "vg 0" contains a character LVM does not allow (" "); use only letters a-z, A-Z, digits and + _ . -'],
  ] as const)('%s refuses %j with the rule\'s own message', (operation, params, message) => {
    expect(validateOperationParams(operation, params)).toEqual({ ok: false, error: message });
  });

  it('gives the parsed parameters with their defaults', () => {
    expect(validateOperationParams('merge-snapshot', { vg: 'vg0', snapshot: 's', mode: 'shutdown' })).toEqual({
      ok: true,
      params: { vg: 'vg0', snapshot: 's', mode: 'shutdown', shutdownTimeoutS: 120, forceOff: false, startAgain: true },
    });
  });

  it.each([
    ['', 'Enter a file name.'],
    ['a.qcow2', null],
    ['a..b.qcow2', 'must not contain ".."'],
    ['x'.repeat(201), 'The file name is longer than 200 characters.'],
  ])('fieldError(exportFileName, %j) is %j', (file, message) => {
    expect(fieldError(exportFileName, file)).toBe(message);
  });
});
