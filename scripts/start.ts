// `npm start`: validate the environment and the hosts file, then serve the production build on COWHERD_BIND:PORT.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadEnv } from '../lib/env';
import { loadConfig } from '../lib/config/hosts';

let e;
try {
  e = loadEnv();
  const cfg = loadConfig(e.COWHERD_CONFIG);
  console.log(`cowherd: ${cfg.hosts.length} host(s): ${cfg.hosts.map((h) => h.id).join(', ')}; data in ${e.COWHERD_DATA_DIR}`);
} catch (err) {
  console.error(`cowherd: ${(err as Error).message}`);
  process.exit(1);
}

const require = createRequire(import.meta.url);
const nextBin = require.resolve('next/dist/bin/next');
const child = spawn(process.execPath, [nextBin, 'start', '-H', e.COWHERD_BIND, '-p', String(e.PORT)], {
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'production' },
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
