// The export wizard's file-name check (safe in client components); sizes, durations and dates are in lib/format.ts.

/** Export file names: what lib/ops/plans.ts accepts (checked again on the server). */
export function validateExportFile(file: string): string | null {
  if (file.length === 0) return 'Enter a file name.';
  if (file.length > 200) return 'The file name is longer than 200 characters.';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*\.qcow2$/.test(file)) {
    return 'Use letters, digits, ".", "_" and "-" only (no directories), starting with a letter or digit and ending in .qcow2.';
  }
  if (file.includes('..')) return 'The file name must not contain "..".';
  return null;
}
