import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The text of a recorded fixture in lib/libvirt/fixtures (see its README.md). For tests only. */
export function virshFixture(name: string): string {
  return readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
}
