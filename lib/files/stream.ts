import 'server-only';
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import type { HostConfig } from '@/lib/config/hosts';
import { env } from '@/lib/env';
import { childEnv } from '@/lib/host/child-env';
import { defaultControlDir, ensureControlDir, remoteCommand, sshArgs } from '@/lib/host/ssh';

/**
 * A host command whose standard output is bytes to pass on as they come (a file, a .tar.gz), which the string-based
 * HostRunner cannot carry: the same argv-only spawn (no shell; over ssh one quoted word per argument, the same ssh
 * options and control socket as every other command), with stdout as a web stream.
 */
export interface ByteStream {
  body: ReadableStream<Uint8Array>;
  /** Settles when the command has ended: its exit code (null when killed) and the end of its stderr. */
  done: Promise<{ exitCode: number | null; stderr: string }>;
}

export function streamCommand(host: HostConfig, argv: readonly string[], signal?: AbortSignal): ByteStream {
  const [file, args] = host.ssh
    ? ((): [string, string[]] => {
        const controlDir = env().COWHERD_SSH_CONTROL_DIR ?? defaultControlDir(env().COWHERD_DATA_DIR);
        ensureControlDir(controlDir);
        // Issue 16: a host in helper mode gets the verb line; an argv with no verb is never sent.
        const remote = remoteCommand(host.access, argv);
        if (!remote.ok) throw new Error(remote.error);
        return ['ssh', [...sshArgs(host.ssh, { controlDir }), '--', host.ssh.host, remote.command]];
      })()
    : [argv[0] ?? '', argv.slice(1)];
  if (!file) throw new Error('empty argv');
  const child = spawn(file, args, { shell: false, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() as NodeJS.ProcessEnv, signal });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    if (stderr.length < 8000) stderr += b.toString('utf8');
  });
  const done = new Promise<{ exitCode: number | null; stderr: string }>((resolve) => {
    child.on('error', (e) => resolve({ exitCode: null, stderr: stderr || e.message }));
    child.on('close', (code) => resolve({ exitCode: code, stderr }));
  });
  // A client that goes away cancels the web stream, which ends the command (and with ssh, the remote one).
  const body = Readable.toWeb(child.stdout) as ReadableStream<Uint8Array>;
  return { body, done };
}
