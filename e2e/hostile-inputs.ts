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
