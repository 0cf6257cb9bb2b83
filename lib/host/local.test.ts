import { describe, expect, it } from 'vitest';
import { LocalRunner } from './local';
import { CommandError } from './types';
import { HOSTILE_ARGS } from './hostile-args';

const r = new LocalRunner('local', 5000);

async function failure(p: Promise<unknown>): Promise<CommandError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CommandError) return e;
    throw e;
  }
  throw new Error('expected a CommandError');
}

describe('LocalRunner', () => {
  it('returns stdout, stderr and exit code', async () => {
    const res = await r.run(['sh', '-c', 'echo out; echo err >&2']);
    expect(res).toMatchObject({ stdout: 'out\n', stderr: 'err\n', exitCode: 0 });
    expect(res.durationMs).toBeGreaterThan(0);
  });

  it('passes arguments without a shell', async () => {
    const res = await r.run(['printf', '%s\\0', ...HOSTILE_ARGS]);
    expect(res.stdout.split('\0').slice(0, -1)).toEqual(HOSTILE_ARGS);
  });

  it('throws a CommandError with argv, exit code and stderr on a non-zero exit', async () => {
    const e = await failure(r.run(['sh', '-c', 'echo "no such LV" >&2; exit 5']));
    expect(e.failure).toBe('exit');
    expect(e.exitCode).toBe(5);
    expect(e.stderr).toBe('no such LV\n');
    expect(e.argv).toEqual(['sh', '-c', 'echo "no such LV" >&2; exit 5']);
    expect(e.timedOut).toBe(false);
    expect(e.message).toMatch(/exited with code 5: no such LV/);
  });

  it('returns a non-zero exit as a value when reject is false', async () => {
    const res = await r.run(['sh', '-c', 'exit 3'], { reject: false });
    expect(res.exitCode).toBe(3);
  });

  it('kills a command that runs past its timeout', async () => {
    const t0 = Date.now();
    const e = await failure(r.run(['sleep', '10'], { timeoutMs: 300 }));
    expect(e.failure).toBe('timeout');
    expect(e.timedOut).toBe(true);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('reports a missing binary as not-found', async () => {
    const e = await failure(r.run(['cowherd-no-such-binary', '--version']));
    expect(e.failure).toBe('not-found');
    expect(e.exitCode).toBeNull();
    expect(e.message).toMatch(/command not found/);
  });

  it('feeds standard input and streams stderr chunks', async () => {
    const chunks: string[] = [];
    const res = await r.run(['sh', '-c', 'cat; echo progress >&2'], { input: 'hello', onStderr: (c) => chunks.push(c) });
    expect(res.stdout).toBe('hello');
    expect(chunks.join('')).toBe('progress\n');
  });
});
