import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The text of a recorded fixture in lib/libvirt/fixtures (see its README.md). For tests only. */
export function virshFixture(name: string): string {
  return readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
}

/** One `## argv: ...` block of fixtures/agent-and-errors.txt: the recorded exit code, stdout and stderr. */
export function recordedRun(argvPrefix: string): { exitCode: number; stdout: string; stderr: string } {
  const text = virshFixture('agent-and-errors.txt');
  const blocks = text.split(/^## argv: /m).slice(1);
  const block = blocks.find((b) => b.startsWith(argvPrefix));
  if (!block) throw new Error(`no recorded run of ${argvPrefix}`);
  const m = /\n## exit: (\d+)\n## stdout:\n([\s\S]*?)## stderr:\n([\s\S]*?)## end\n/.exec(block);
  if (!m) throw new Error(`malformed block for ${argvPrefix}`);
  return { exitCode: Number(m[1]), stdout: m[2] ?? '', stderr: m[3] ?? '' };
}
