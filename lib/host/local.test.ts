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

  it('gives a child a minimal environment: no COWHERD_* secret, only PATH, HOME, SSH_AUTH_SOCK and the C locale', async () => {
    const keys = ['COWHERD_ADMIN_PASSWORD', 'COWHERD_SOMETHING', 'SSH_AUTH_SOCK', 'HOME'] as const;
    const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
    process.env.COWHERD_ADMIN_PASSWORD = 'parent-secret-password';
    process.env.COWHERD_SOMETHING = 'also-secret';
    process.env.SSH_AUTH_SOCK = '/tmp/agent.sock';
    process.env.HOME = '/home/cowherd-test';
    try {
      const res = await r.run(['env']);
      const vars = Object.fromEntries(
        res.stdout
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      expect(res.stdout).not.toContain('parent-secret-password');
      expect(Object.keys(vars).filter((k) => k.startsWith('COWHERD_'))).toEqual([]);
      expect(vars).toMatchObject({
        PATH: process.env.PATH,
        HOME: '/home/cowherd-test',
        SSH_AUTH_SOCK: '/tmp/agent.sock',
        LANG: 'C.UTF-8',
        LC_ALL: 'C.UTF-8',
      });
      // env itself may add nothing; anything beyond these five came from the parent.
      expect(Object.keys(vars).sort()).toEqual(['HOME', 'LANG', 'LC_ALL', 'PATH', 'SSH_AUTH_SOCK']);
    } finally {
      for (const k of keys) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });
});
