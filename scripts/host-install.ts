// Installs Cowherd's host helper on one configured host (issue 16), over the administrator's own ssh access:
//   npm run host:install -- <host id> [--admin-user root] [--admin-key FILE] [--from ADDRESS] [--apply] [--uninstall]
// 1. copies deploy/cowherd-host to /usr/local/libexec/cowherd-host and writes /etc/cowherd/host.conf (the host's
//    exportDir and backupDir, the only directories path arguments may name);
// 2. prints the authorized_keys line for Cowherd's key (the config's identityFile): restrict,command="...",from="..."
//    and, with --apply, puts it in the ssh user's authorized_keys in place of any line with that key;
// 3. verifies through Cowherd's key: `version` answers this checkout's helper, `sh -c id` is refused.
// --uninstall removes the line of Cowherd's key, the helper and host.conf (then give the host "access": "shell" and
// an unrestricted key, or remove it from the config). Nothing here runs without printing it first.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findHost } from '@/lib/config/hosts';
import { HELPER_CONF, HELPER_PATH, helperVersionLine } from '@/lib/host/verbs';

interface Options {
  hostId: string;
  adminUser: string;
  adminKey?: string;
  from?: string;
  apply: boolean;
  uninstall: boolean;
}

function usage(): never {
  console.error('usage: npm run host:install -- <host id> [--admin-user USER] [--admin-key FILE] [--from ADDRESS] [--apply] [--uninstall]');
  process.exit(64);
}

function parseArgs(argv: string[]): Options {
  const o: Partial<Options> = { adminUser: 'root', apply: false, uninstall: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => argv[++i] ?? usage();
    if (a === '--admin-user') o.adminUser = next();
    else if (a === '--admin-key') o.adminKey = path.resolve(next());
    else if (a === '--from') o.from = next();
    else if (a === '--apply') o.apply = true;
    else if (a === '--uninstall') o.uninstall = true;
    else if (a.startsWith('-') || o.hostId) usage();
    else o.hostId = a;
  }
  if (!o.hostId) usage();
  // from= is a pattern list for sshd; only addresses, host names and CIDR, never a quote that would end the option.
  if (o.from !== undefined && !/^[A-Za-z0-9.:/*?,!-]+$/.test(o.from)) throw new Error(`--from ${JSON.stringify(o.from)}: addresses, host names or CIDR, comma-separated`);
  return o as Options;
}

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  const host = findHost(o.hostId);
  if (!host) throw new Error(`no host ${o.hostId} in the config (COWHERD_CONFIG)`);
  if (!host.ssh) throw new Error(`${o.hostId} is a local host: the helper is for ssh hosts`);
  const ssh = host.ssh;
  if (!ssh.identityFile) throw new Error(`${o.hostId}: give the host an ssh.identityFile (Cowherd's own key) first`);
  const pub = readFileSync(`${ssh.identityFile}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  if (!/^ssh-[a-z0-9-]+ [A-Za-z0-9+/=]+$/.test(pub) && !/^ecdsa-[a-z0-9-]+ [A-Za-z0-9+/=]+$/.test(pub)) throw new Error(`${ssh.identityFile}.pub is not an ssh public key`);
  const common = ['-p', String(ssh.port), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', ...(ssh.knownHostsFile ? ['-o', `UserKnownHostsFile=${ssh.knownHostsFile}`] : [])];
  const admin = [...common, ...(o.adminKey ? ['-o', 'IdentitiesOnly=yes', '-i', o.adminKey] : []), `${o.adminUser}@${ssh.host}`];
  const cowherd = [...common, '-o', 'IdentitiesOnly=yes', '-o', 'ControlMaster=no', '-i', ssh.identityFile, `${ssh.user}@${ssh.host}`];
  const line = `restrict,command="${HELPER_PATH}"${o.from ? `,from="${o.from}"` : ''} ${pub} cowherd`;
  const home = ssh.user === 'root' ? '/root' : `~${ssh.user}`;
  const keys = `${home}/.ssh/authorized_keys`;
  const adminRun = (what: string, script: string, input?: string) => {
    console.log(`- ${what}`);
    execFileSync('ssh', [...admin, script], { input, stdio: ['pipe', 'inherit', 'inherit'] });
  };
  // The key's own base64 is the line's identity: lines with it are replaced, other keys are never touched.
  const keyBody = pub.split(' ')[1]!;
  const dropKey = `umask 077; mkdir -p ${home}/.ssh; touch ${keys}; grep -v -F -- '${keyBody}' ${keys} >${keys}.cowherd-new || true`;

  if (o.uninstall) {
    console.log(`Uninstalling the host helper from ${o.hostId} (${o.adminUser}@${ssh.host}):`);
    adminRun(`remove the line of ${ssh.identityFile}.pub from ${ssh.user}'s ${keys}`, `${dropKey}; cat ${keys}.cowherd-new >${keys}; rm -f ${keys}.cowherd-new`);
    adminRun(`remove ${HELPER_PATH} and ${HELPER_CONF}`, `rm -f ${HELPER_PATH} ${HELPER_CONF}`);
    console.log(`Done. Give ${o.hostId} "access": "shell" with an unrestricted key, or remove it from the config.`);
    return;
  }

  console.log(`Installing the host helper on ${o.hostId} (${o.adminUser}@${ssh.host}, port ${ssh.port}):`);
  const helperFile = path.join(import.meta.dirname, '..', 'deploy', 'cowherd-host');
  adminRun(`copy deploy/cowherd-host to ${HELPER_PATH} (root:root 0755; ${helperVersionLine()})`, `set -e; mkdir -p ${path.dirname(HELPER_PATH)}; cat >${HELPER_PATH}.new; chmod 755 ${HELPER_PATH}.new; chown 0:0 ${HELPER_PATH}.new; mv ${HELPER_PATH}.new ${HELPER_PATH}`, readFileSync(helperFile, 'utf8'));
  const conf = [...new Set([host.exportDir, host.backupDir])].map((d) => `dir ${d.replace(/\/+$/, '')}\n`).join('');
  adminRun(`write ${HELPER_CONF}, the directories path arguments may name:\n${conf.trimEnd().replace(/^/gm, '    ')}`, `set -e; mkdir -p ${path.dirname(HELPER_CONF)}; cat >${HELPER_CONF}`, conf);
  console.log(`\nThe authorized_keys line for Cowherd's key (${ssh.identityFile}.pub), in ${ssh.user}'s ${keys}:\n\n  ${line}\n`);
  if (!o.from) console.log('  (add --from <the Cowherd server\'s address> so that the key works from that machine only)\n');
  if (o.apply) {
    adminRun(`replace every line of this key in ${keys} with the line above (other keys are kept)`, `set -e; ${dropKey}; cat >>${keys}.cowherd-new; chmod 600 ${keys}.cowherd-new; mv ${keys}.cowherd-new ${keys}`, `${line}\n`);
  } else {
    console.log(`Not changed (run again with --apply to put it there, replacing any line with this key).`);
  }

  console.log('\nVerifying through Cowherd\'s key:');
  const version = spawnSync('ssh', [...cowherd, 'version'], { encoding: 'utf8' });
  const found = version.stdout.trim();
  const versionOk = version.status === 0 && found === helperVersionLine();
  console.log(`- version: ${versionOk ? `ok (${found})` : `NOT ok (exit ${version.status}: ${found || version.stderr.trim()})`}`);
  const id = spawnSync('ssh', [...cowherd, 'sh -c id'], { encoding: 'utf8' });
  const refused = (id.status === 126 || id.status === 127) && /cowherd-host: refused/.test(id.stderr);
  console.log(`- \`sh -c id\`: ${refused ? 'refused (ok)' : `NOT refused (exit ${id.status}: ${id.stdout.trim() || id.stderr.trim()})`}`);
  if (!versionOk || !refused) {
    console.log(o.apply ? '\nThe helper does not answer as it should: see above.' : '\nExpected until the line above is in authorized_keys (--apply).');
    process.exit(1);
  }
  console.log(`\n${o.hostId} is in helper mode: Cowherd's key runs only Cowherd's verbs.`);
}

try {
  main();
} catch (e) {
  console.error(`host:install: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
