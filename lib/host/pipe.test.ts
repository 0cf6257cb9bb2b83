import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalRunner } from './local';
import { pipeBetween } from './pipe';

// Real processes on this machine stand in for the two hosts: the pipe is the same code for ssh runners.
const a = new LocalRunner('host-a', 20_000);
const b = new LocalRunner('host-b', 20_000);
const dir = mkdtempSync(path.join(os.tmpdir(), 'cowherd-pipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MiB = 1024 * 1024;

describe('pipeBetween', () => {
  it('copies every byte from one command into another, counting them, without collecting them', async () => {
    const out = path.join(dir, 'copy.bin');
    const seen: number[] = [];
    // 48 MiB of pseudo-random bytes (a fixed seed through openssl would need openssl; sha of a counter is enough).
    const src = ['sh', '-c', 'i=0; while [ $i -lt 48 ]; do head -c 1048576 /dev/zero | tr "\\0" "$(printf "\\\\%03o" $((i % 200 + 1)))"; i=$((i+1)); done'];
    const r = await pipeBetween({ runner: a, argv: src }, { runner: b, argv: ['sh', '-c', 'cat > "$1"; echo written', '--', out] }, {
      onBytes: (n) => seen.push(n),
      progressEveryMs: 0,
    });
    expect(r.error).toBeNull();
    expect(r.ok).toBe(true);
    expect(r.bytes).toBe(48 * MiB);
    expect(r.to.stdout).toBe('written\n');
    expect(r.from.stdout).toBe('');
    expect(seen.at(-1)).toBe(48 * MiB);
    expect(seen.length).toBeGreaterThan(2);
    const direct = await a.run(['sh', '-c', `${src[2]} | sha256sum`]);
    const copied = createHash('sha256').update(readFileSync(out)).digest('hex');
    expect(direct.stdout.split(' ')[0]).toBe(copied);
  });

  it('stops the writer when the reader fails, and says the reader failed', async () => {
    const t0 = Date.now();
    const r = await pipeBetween(
      { runner: a, argv: ['sh', '-c', 'head -c 1000 /dev/zero; echo "cannot read /dev/vg0/x" >&2; exit 3'] },
      // A writer that would wait far longer than the test if nothing stopped it. (exec: a signal to the shell
      // alone would leave its child holding the pipes; over ssh the remote side sees the channel close instead.)
      { runner: b, argv: ['sh', '-c', 'cat > /dev/null; exec sleep 30'] },
    );
    expect(r.ok).toBe(false);
    expect(r.from.exitCode).toBe(3);
    expect(r.error).toBe('reading on host-a: cannot read /dev/vg0/x');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('stops the reader when the writer fails (no reader left blocked on a full pipe)', async () => {
    const t0 = Date.now();
    const r = await pipeBetween(
      { runner: a, argv: ['cat', '/dev/zero'] },
      { runner: b, argv: ['sh', '-c', 'head -c 100 > /dev/null; echo "No space left on device" >&2; exit 1'] },
    );
    expect(r.ok).toBe(false);
    expect(r.to.exitCode).toBe(1);
    expect(r.error).toBe('writing on host-b: No space left on device');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('gives up at the timeout on both sides', async () => {
    const r = await pipeBetween({ runner: a, argv: ['sleep', '30'] }, { runner: b, argv: ['cat'] }, { timeoutMs: 500 });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/(reading on host-a|writing on host-b): .*timed out/);
  });
});
