/**
 * Writes deploy/cowherd-host, the host helper, from the verb table in lib/host/verbs.ts (issue 16). Run after
 * adding or changing a verb: `npm run host:generate`. lib/host/verbs.test.ts fails while the committed file differs.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderHelper } from '@/lib/host/verbs';

const out = path.join(import.meta.dirname, '..', 'deploy', 'cowherd-host');
writeFileSync(out, renderHelper());
chmodSync(out, 0o755);
console.log(`wrote ${out}`);
