import { describe, expect, it } from 'vitest';
import { validateExportFile } from './export-file';

describe('export file names', () => {
  it.each([
    ['web_snap-20250304.qcow2', null],
    ['a.qcow2', null],
    ['', 'Enter a file name.'],
  ])('validateExportFile(%j)', (f, e) => expect(validateExportFile(f)).toBe(e));

  it.each(['../x.qcow2', 'dir/x.qcow2', '-x.qcow2', 'x.img', 'a..b.qcow2', 'a b.qcow2'])('refuses %j', (f) =>
    expect(validateExportFile(f)).not.toBeNull(),
  );
});
