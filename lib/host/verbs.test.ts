import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_FILES, HOSTILE_NAMES, RESERVED_LV_NAMES } from '@/e2e/hostile-inputs';
import { HOSTILE_ARGS } from './hostile-args';
import { allSamples, BUILDERS, EXEMPT, SAMPLE_EXPORT_DIR, SAMPLE_NVRAM_DIR } from './verb-samples';
import { fromVerbLine, helperVersionLine, HOT_VERBS, KINDS, renderHelper, toVerbLine, VERBS } from './verbs';

// The generated helper (deploy/cowherd-host) run by the machine's /bin/sh (dash on Debian, as on the hosts), with
// COWHERD_HOST_DRY_RUN=1: it prints the argv it would exec, NUL-terminated words. Refusals are also run for real
// with a PATH of fake commands that would leave a canary file: nothing may appear.
const HELPER = path.join(import.meta.dirname, '../../deploy/cowherd-host');
let tmp: string;
let conf: string;
let fakeBin: string;
let canary: string;
let syslog: string;
/** A `ps` that says every PID is a namespace holder: the dry runs' PATH (holderpid/ownpid ask ps on the host). */
let psBin: string;
const dryPath = () => `${psBin}:${process.env.PATH ?? '/usr/bin:/bin'}`;

const SAMPLES = allSamples();
const DIRS = [SAMPLE_EXPORT_DIR, '/var/lib/cowherd', SAMPLE_NVRAM_DIR];
const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');

interface HelperResult {
  code: number | null;
  argv: string[] | null;
  stderr: string;
}

function helper(line: string, opts: { dry?: boolean; path?: string } = {}): HelperResult {
  const r = spawnSync('/bin/sh', [HELPER], {
    env: {
      PATH: opts.path ?? dryPath(),
      SSH_ORIGINAL_COMMAND: line,
      COWHERD_HOST_CONF: conf,
      ...(opts.dry === false ? {} : { COWHERD_HOST_DRY_RUN: '1' }),
    } as unknown as NodeJS.ProcessEnv,
    input: '',
    timeout: 10_000,
  });
  const out = r.stdout.toString('utf8');
  return { code: r.status, argv: r.status === 0 && opts.dry !== false ? out.split('\0').slice(0, -1) : null, stderr: r.stderr.toString('utf8') };
}

/** Many lines in one sh process (the hostile corpus is thousands of calls): exit code and dry-run argv of each. */
function helperBatch(lines: readonly string[]): HelperResult[] {
  const dir = mkdtempSync(path.join(tmp, 'batch-'));
  // One line per line of the file: a line with a newline cannot be sent this way (those are in REFUSED instead).
  if (lines.some((l) => l.includes('\n') || l.includes('\0'))) throw new Error('helperBatch: a line with a newline or NUL');
  writeFileSync(path.join(dir, 'lines'), lines.map((l) => `${l}\n`).join(''));
  const driver = `
i=0
while IFS= read -r l; do
  SSH_ORIGINAL_COMMAND=$l COWHERD_HOST_DRY_RUN=1 COWHERD_HOST_CONF=${conf} /bin/sh ${HELPER} >"${dir}/out.$i" 2>"${dir}/err.$i" </dev/null
  echo $? >"${dir}/rc.$i"
  i=$((i+1))
done <"${dir}/lines"
`;
  const r = spawnSync('/bin/sh', ['-c', driver], { env: { PATH: dryPath() } as unknown as NodeJS.ProcessEnv, timeout: 600_000 });
  expect(r.status).toBe(0);
  const results = lines.map((_, i) => {
    const code = Number(readFileSync(path.join(dir, `rc.${i}`), 'utf8').trim());
    const out = readFileSync(path.join(dir, `out.${i}`), 'utf8');
    return { code, argv: code === 0 ? out.split('\0').slice(0, -1) : null, stderr: readFileSync(path.join(dir, `err.${i}`), 'utf8') };
  });
  rmSync(dir, { recursive: true, force: true });
  return results;
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'cowherd-helper-'));
  conf = path.join(tmp, 'host.conf');
  writeFileSync(conf, `# test\n${DIRS.map((d) => `dir ${d}\n`).join('')}`);
  fakeBin = path.join(tmp, 'bin');
  canary = path.join(tmp, 'CANARY');
  syslog = path.join(tmp, 'syslog');
  const commands = new Set([...SAMPLES.map((s) => s.argv[0]!), 'id', 'cat', 'sh', 'bash', 'rm', 'touch', 'eval', 'exec', 'env', 'printf']);
  spawnSync('/bin/mkdir', ['-p', fakeBin]);
  for (const c of commands) {
    writeFileSync(path.join(fakeBin, c), `#!/bin/sh\necho "${c} $*" >>'${canary}'\n`);
    chmodSync(path.join(fakeBin, c), 0o755);
  }
  psBin = path.join(tmp, 'ps-bin');
  spawnSync('/bin/mkdir', ['-p', psBin]);
  writeFileSync(path.join(psBin, 'ps'), `#!/bin/sh\necho 'sleep infinity'\n`);
  chmodSync(path.join(psBin, 'ps'), 0o755);
  writeFileSync(path.join(fakeBin, 'logger'), `#!/bin/sh\necho "$*" >>'${syslog}'\n`);
  chmodSync(path.join(fakeBin, 'logger'), 0o755);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the generated helper', () => {
  it('deploy/cowherd-host is the generator output (run `npm run host:generate` after changing a verb)', () => {
    expect(readFileSync(HELPER, 'utf8')).toBe(renderHelper());
  });

  it('is a POSIX sh script that evaluates nothing it is sent', () => {
    const text = readFileSync(HELPER, 'utf8');
    expect(spawnSync('/bin/sh', ['-n', HELPER]).status).toBe(0);
    expect(text).not.toMatch(/\beval\b/);
    // The only unquoted expansion of the command is the split into words, after the charset check.
    expect(text.match(/\$line\b/g)?.length).toBeGreaterThan(0);
    expect(text).toMatch(/\nset -f\n/);
  });

  it('answers the poll and full-read verbs without parsing the rest of the file (HOT_VERBS)', () => {
    // The helper cut right after the hot verbs' case and followed by a syntax error: sh reads a script one
    // top-level command at a time, so a hot verb still runs; any other verb reaches the broken tail.
    const text = readFileSync(HELPER, 'utf8');
    const mark = '[ -z "$hot" ] || run "$@"\n';
    const cut = text.indexOf(mark);
    expect(cut).toBeGreaterThan(0);
    const broken = path.join(tmp, 'cowherd-host-cut');
    writeFileSync(broken, `${text.slice(0, cut)}${mark}case $verb in ((( syntax error\n`);
    const run = (line: string) => spawnSync('/bin/sh', [broken], { env: { PATH: dryPath(), SSH_ORIGINAL_COMMAND: line, COWHERD_HOST_CONF: conf, COWHERD_HOST_DRY_RUN: '1' } as unknown as NodeJS.ProcessEnv });
    for (const verb of HOT_VERBS) {
      const sample = SAMPLES.map((x) => toVerbLine(x.argv)).find((r) => r.ok && r.verb === verb);
      if (!sample?.ok) throw new Error(`no sample of ${verb}`);
      const r = run(sample.line);
      expect(r.status, `${verb}: ${r.stderr.toString()}`).toBe(0);
      expect(r.stdout.toString().split('\0').slice(0, -1)).toEqual(helper(sample.line).argv);
    }
    expect(run('dmsetup-status extra').status).toBe(126);
    expect(run('version').status).not.toBe(0);
  });

  it('prints its version, which Cowherd compares with its own', () => {
    const r = helper('version');
    expect(r.code).toBe(0);
    expect(spawnSync('/bin/sh', [HELPER], { env: { SSH_ORIGINAL_COMMAND: 'version' } as unknown as NodeJS.ProcessEnv }).stdout.toString()).toBe(`${helperVersionLine()}\n`);
  });
});

describe('every host command has a verb (add one in lib/host/verbs.ts with a new builder)', () => {
  it.each(Object.entries(BUILDERS))('every exported function of the %s builders has samples or is exempt', (mod, b) => {
    const fns = Object.entries(b.module).filter(([, v]) => typeof v === 'function').map(([k]) => k);
    const missing = fns.filter((f) => !(f in b.samples) && !EXEMPT.has(`${mod}:${f}`));
    expect(missing, `builders with no sample in lib/host/verb-samples.ts (add samples and a verb): ${missing.join(', ')}`).toEqual([]);
  });

  it('every verb is used by some sample', () => {
    const used = new Set(SAMPLES.map((s) => toVerbLine(s.argv)).flatMap((r) => (r.ok ? [r.verb] : [])));
    expect(VERBS.map((v) => v.name).filter((n) => !used.has(n))).toEqual([]);
  });

  it('an argv with no verb is an error, never a line', () => {
    expect(toVerbLine(['id'])).toMatchObject({ ok: false });
    expect(toVerbLine(['sh', '-c', 'id'])).toMatchObject({ ok: false });
    expect(toVerbLine(['lvremove', '-y', 'vg0/web', 'vg0/db'])).toMatchObject({ ok: false });
    expect(toVerbLine(['lvremove', '-y', 'vg0/../x'])).toMatchObject({ ok: false });
    expect(toVerbLine(['cat', '/etc/shadow'])).toMatchObject({ ok: false });
    // A verb (file-cat, the NVRAM file of a move) whose path the helper then refuses outside host.conf's dirs.
    const cat = toVerbLine(['cat', '--', '/etc/shadow']);
    expect(cat).toMatchObject({ ok: true, verb: 'file-cat' });
    expect(cat.ok && fromVerbLine(cat.line, { dirs: DIRS })).toMatchObject({ ok: false, code: 126 });
    expect(cat.ok && helper(cat.line).code).toBe(126);
  });
});

describe('round trip: argv -> verb line -> helper -> the same argv', () => {
  it.each(SAMPLES.map((s, i) => [i, s.from, s.argv] as const))('#%i %s', (_i, _from, argv) => {
    const line = toVerbLine(argv);
    expect(line.ok, line.ok ? '' : line.error).toBe(true);
    if (!line.ok) return;
    expect(line.line).toMatch(/^[A-Za-z0-9._+/:@=,-]+( [A-Za-z0-9._+/:@=,-]+)*$/);
    expect(fromVerbLine(line.line, { dirs: DIRS })).toMatchObject({ ok: true, argv });
    const r = helper(line.line);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.argv).toEqual(argv);
  });
});

const REFUSED = [
  '',
  'sh -c id',
  'cat /etc/shadow',
  'id',
  'bash',
  'version extra',
  'nosuchverb',
  'lvremove -y vg0/web',
  'lvremove vg0/web;id',
  'lvremove vg0/web && id',
  'lvremove vg0/web | id',
  'lvremove vg0/web\nid',
  'lvremove\tvg0/web',
  'lvremove  vg0/web',
  ' lvremove vg0/web',
  'lvremove vg0/web ',
  'lvremove $(id)',
  'lvremove `id`',
  'lvremove vg0/web>x',
  'lvremove vg0/*',
  'lvremove ../etc',
  'lvremove vg0/web vg0/db',
  'lvremove',
  'mkdir 2f657463',
  `file-exists ${hex('/etc/shadow')}`,
  `backup-remove-file ${hex('/var/lib/cowherd/../../etc/shadow')}`,
  `backup-remove-file ${hex('/var/lib/cowherdX/a.raw')}`,
  `backup-remove-file ${hex('/var/lib/cowherd//a.raw')}`,
  `backup-remove-file ${hex('/var/lib/cowherd/./a.raw')}`,
  `backup-remove-file ${hex('var/lib/cowherd/a.raw')}`,
  `backup-remove-file ${hex('/var/lib/cowherd/a\0b')}`,
  `backup-remove-file 2F7661`,
  `backup-remove-file 2f766`,
  `browse-cat ${hex('/etc/shadow')}`,
  `browse-cat ${hex('/run/cowherd/browse/../../etc/shadow')}`,
  `browse-tar ${hex('/run/cowherd/browse/0123456789abcdef/s-p1')} ${hex('../../etc')}`,
  `browse-tar ${hex('/run/cowherd/browse/0123456789abcdef/s-p1')} ${hex('/etc')}`,
  'lvcreate-snapshot 48m s1 1 vg0/web',
  'lvcreate-snapshot 48m s1 99999 vg0/web',
  'lvcreate-snapshot 0m s1 0 vg0/web',
  'lvcreate-snapshot 48m snapshot1 0 vg0/web',
  'lvcreate-snapshot 48m web_tdata 0 vg0/web',
  'virsh-destroy 0 0 web01',
  'virsh-destroy 0 1 qemu:///system',
  'virsh-start 2 0 52501ad1-3ffe-4d09-8a1d-af20a2fc2a8b',
  // the features merged after issue 16: paths outside the configured dirs, XML with QEMU pass-through, lists that
  // guestfish would split into a second command
  `file-cat ${hex('/etc/shadow')}`,
  `dd-read-file ${hex('/etc/shadow')}`,
  `stream-write-file ${hex('/root/.ssh/authorized_keys')}`,
  `backup-remove-files 1 ${hex('/var/lib/cowherd/../../etc/shadow')}`,
  `backup-remove-files 0`,
  `nvram-write ${hex('/etc/cron.d/x')}`,
  `browse-rm 1 ${hex('/etc/shadow')}`,
  `browse-tail-log ${hex('/var/log/auth.log')}`,
  `virsh-define ${hex("<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'><qemu:commandline><qemu:arg value='-x'/></qemu:commandline></domain>")} 0 0`,
  `virsh-define ${hex('<network/>')} 0 0`,
  `guestfish-lstatnslist 4242 ${hex('/p1/etc')} ${hex(':')}`,
  `guestfish-lstatnslist 4242 ${hex('/p1/etc')} ${hex('a : b')}`,
  `guestfish-lstatnslist 4242 ${hex('/p1/etc')} ${hex("a'b")}`,
  `guestfish-lstatnslist 4242 ${hex('/p1/etc')} ${hex('a\nb')}`,
  `guestfish-ls0 4242 ${hex('/p1/../etc')}`,
  'guestfish-mount-ro 4242 /dev/sdb1 /p1',
  'guestfish-mount-ro 4242 /dev/sda1 /etc',
  'kill-kill 1x',
  'ns-findmnt 0',
];

describe('refusals', () => {
  it.each(REFUSED.map((l) => [JSON.stringify(l), l]))('%s is refused with a message and a syslog line, and runs nothing', (_shown, line) => {
    expect(fromVerbLine(line, { dirs: DIRS }).ok).toBe(false);
    const dry = helper(line);
    expect([126, 127]).toContain(dry.code);
    expect(dry.stderr).toMatch(/^cowherd-host: refused: /);
    rmSync(canary, { force: true });
    rmSync(syslog, { force: true });
    const real = helper(line, { dry: false, path: `${fakeBin}:/usr/bin:/bin` });
    expect(real.code).toBe(dry.code);
    expect(existsSync(canary), existsSync(canary) ? readFileSync(canary, 'utf8') : '').toBe(false);
    expect(readFileSync(syslog, 'utf8')).toMatch(/^-t cowherd-host -p auth.warning refused: /);
  });

  it('an unknown verb exits 127, a bad argument 126', () => {
    expect(helper('sh -c id').code).toBe(127);
    expect(helper('cat /etc/shadow').code).toBe(127);
    expect(helper('lvremove ../x').code).toBe(126);
  });

  it('kill and nsenter take only a PID that ps shows as a holder or guestfish server Cowherd started', () => {
    const psSays = (args: string) => {
      const dir = mkdtempSync(path.join(tmp, 'ps-'));
      writeFileSync(path.join(dir, 'ps'), `#!/bin/sh\nprintf '%s\\n' '${args}'\n`);
      chmodSync(path.join(dir, 'ps'), 0o755);
      return `${dir}:${fakeBin}:/usr/bin:/bin`;
    };
    for (const [args, kill, ns] of [
      ['sleep infinity', 0, 0],
      ['guestfish --listen --ro --format=raw --add /dev/vg0/web_snap', 0, 126],
      ['/usr/sbin/sshd -D', 126, 126],
      ['sleep infinityX', 126, 126],
    ] as const) {
      const p = psSays(args);
      rmSync(canary, { force: true });
      expect(helper('kill-kill 356', { dry: false, path: p }).code, args).toBe(kill);
      expect(existsSync(canary), args).toBe(kill === 0);
      expect(helper('ns-findmnt 356', { path: p }).code, args).toBe(ns);
    }
    // No such process: the real ps prints nothing and fails.
    expect(helper('kill-term 999999999', { path: `${fakeBin.replace(/bin$/, 'none')}:/usr/bin:/bin` }).code).toBe(126);
  });

  it('the canary works: an accepted verb does run its command', () => {
    rmSync(canary, { force: true });
    const r = helper('lvremove vg0/web_snap', { dry: false, path: `${fakeBin}:/usr/bin:/bin` });
    expect(r.code).toBe(0);
    expect(readFileSync(canary, 'utf8')).toBe('lvremove -y vg0/web_snap\n');
  });

  it('every sample line with one word missing or one word more is refused', () => {
    const lines = SAMPLES.flatMap((s) => {
      const l = toVerbLine(s.argv);
      if (!l.ok) return [];
      const words = l.line.split(' ');
      return [`${l.line} 0`, `${l.line} vg0`, ...(words.length > 1 ? [words.slice(0, -1).join(' ')] : [])];
    });
    const results = helperBatch(lines);
    const accepted = lines.filter((l, i) => results[i]!.code === 0 || fromVerbLine(l, { dirs: DIRS }).ok);
    expect(accepted).toEqual([]);
    // ~1000 helper runs in one sh: seconds alone, far longer on a loaded CI machine.
  }, 300_000);
});

describe('the hostile corpus in every argument of every verb', () => {
  const corpus = [...new Set([...HOSTILE_ARGS, ...HOSTILE_NAMES, ...RESERVED_LV_NAMES, ...HOSTILE_FILES, '/etc/shadow', '/var/lib/cowherd/../../etc/shadow'])];
  // Every word of every verb gets a few of the worst; every kind (the same sh function wherever it is used) and the
  // counts and flags get the whole corpus, at their first place. Raw values go only where they pass the line's
  // charset (the rest meet the one charset check, tried in REFUSED); hex values everywhere. ~5000 helper runs.
  const FEW = ['$(id)', '../../etc/shadow', '-n', '/etc/shadow', 'a;id', 'line1\nline2', '*', '0'];
  const variants = (h: string) => [...(/^[A-Za-z0-9._+/:@=,-]+$/.test(h) ? [h] : []), ...(h.includes('\0') && h.length === 0 ? [] : [hex(h)])].filter((w) => w !== '');
  it('the helper agrees with the reference (fromVerbLine) on every line: refused, or exactly its argv', () => {
    const perVerb = new Map<string, string>();
    for (const s of SAMPLES) {
      const l = toVerbLine(s.argv);
      if (l.ok && !perVerb.has(l.verb)) perVerb.set(l.verb, l.line);
    }
    const lines: string[] = [];
    const kindsDone = new Set<string>();
    for (const line of perVerb.values()) {
      const ref = fromVerbLine(line, { dirs: DIRS });
      if (!ref.ok) throw new Error(line);
      const words = line.split(' ');
      for (let i = 1; i < words.length; i++) {
        const kind = ref.kinds[i - 1]!;
        const values = kindsDone.has(kind) ? FEW : corpus;
        kindsDone.add(kind);
        for (const h of values) for (const w of variants(h)) lines.push([...words.slice(0, i), w, ...words.slice(i + 1)].join(' '));
      }
    }
    const results = helperBatch(lines);
    const disagree = lines.flatMap((l, i) => {
      const ref = fromVerbLine(l, { dirs: DIRS });
      const got = results[i]!;
      const same = ref.ok ? got.code === 0 && JSON.stringify(got.argv) === JSON.stringify(ref.argv) : got.code === ref.code && got.argv === null;
      return same ? [] : [{ line: l, ref, got }];
    });
    expect(disagree.slice(0, 5).map((d) => ({ ...d, line: JSON.stringify(d.line) }))).toEqual([]);
    // What is accepted keeps each hostile value as one argument of a fixed argv: never a command of its own.
    for (const [i, l] of lines.entries()) {
      const argv = results[i]!.argv;
      if (argv) expect(toVerbLine(argv)).toMatchObject({ ok: true, line: l });
    }
    expect(kindsDone).toEqual(new Set([...Object.keys(KINDS), 'count', 'flag']));
    expect(lines.length).toBeGreaterThan(2000);
  }, 600_000);

  it('every kind is used by some verb (an unused rule is an untested rule)', () => {
    const used = new Set(VERBS.flatMap((v) => JSON.stringify(v.els).match(/"kind":"[a-z0-9]+"/g) ?? []).map((k) => k.slice(8, -1)));
    expect(Object.keys(KINDS).filter((k) => !used.has(k))).toEqual([]);
  });
});

