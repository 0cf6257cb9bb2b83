// Inputs that must be refused before any command runs. Each is tried as an LV name, a VG name and an export file.
export const HOSTILE_NAMES: readonly string[] = [
  'bad name', 'a;id', 'a|id', 'a&&id', 'a||id', '$(id)', '`id`', '${IFS}', 'a>b', 'a<b', 'a\nb', 'a\rb', 'a\tb',
  "it's", 'say"hi"', 'a\\b', 'a/b', '../web', '..', '.', '-rf', '--help', '-', '', ' ', 'a*', 'a?', '[ab]', '~root',
  '#x', '!x', '%s', 'a\u0000b', 'wеb' /* Cyrillic е */, 'ѕnap' /* Cyrillic ѕ */, 'ｗｅｂ', 'web\u200b', 'снимок', '🐄',
  'x'.repeat(128), 'x'.repeat(500),
];

/** Names LVM reserves for its own LVs (valid as VG names, so tried as LV names only). */
export const RESERVED_LV_NAMES: readonly string[] = [
  'snapshot', 'snapshot1', 'pvmove0', 'web_mlog', 'web_rimage_0', 'web_tdata',
  'web_tmeta', 'web_pmspare', 'web_cdata', 'web_cmeta', 'web_corig', 'web_vorigin', 'web_rmeta_1', 'web_mimage_2',
  '/dev/vg0/web', 'vg0/web', 'web,db',
];

export const HOSTILE_FILES: readonly string[] = [
  '../etc/passwd.qcow2', '../../x.qcow2', '/etc/cowherd.qcow2', 'a/b.qcow2', 'a..b.qcow2', '.hidden.qcow2',
  '-o.qcow2', 'x.qcow2;id', 'x$(id).qcow2', 'x`id`.qcow2', 'x y.qcow2', 'x\n.qcow2', 'x.raw', 'x.qcow2/', '',
  'x'.repeat(250) + '.qcow2', 'ｘ.qcow2',
];

/**
 * Headers a client sends to pass for someone else (issue 10: Next.js keeps a client's X-Forwarded-For). Without a
 * trusted proxy none of them may change which client a login is counted for. The peer stamp's own header is among
 * them: the server overwrites it with the socket address.
 */
export const FORGED_FORWARDING_HEADERS: readonly Record<string, string>[] = [
  { 'X-Forwarded-For': '10.9.0.1' },
  { 'X-Forwarded-For': '10.9.0.2, 10.9.0.3' },
  { 'X-Forwarded-For': '127.0.0.1' },
  { 'X-Forwarded-For': '::1' },
  { 'X-Forwarded-For': '2001:db8::1' },
  { 'X-Forwarded-For': 'unknown' },
  { 'X-Forwarded-For': `${'1.'.repeat(300)}1` },
  { 'X-Real-IP': '10.9.0.4' },
  { 'X-Forwarded-For': '10.9.0.5', 'X-Real-IP': '10.9.0.6' },
  { Forwarded: 'for=10.9.0.7;proto=https' },
  { 'X-Cowherd-Peer': '10.9.0.8' },
  { 'X-Cowherd-Peer': '10.9.0.9', 'X-Forwarded-For': '10.9.0.10', 'X-Real-IP': '10.9.0.11' },
];
