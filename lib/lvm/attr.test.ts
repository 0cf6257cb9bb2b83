import { describe, expect, it } from 'vitest';
import { decodeLvAttr, type LvAttr } from './attr';

// Every attr here was seen in the lab (fixtures/) except where marked "man lvs".
const CASES: [string, Partial<LvAttr>][] = [
  ['-wi-ao----', { volumeType: 'plain', state: 'active', active: true, open: true, targetType: 'none', skipActivation: false }],
  ['-wi-a-----', { volumeType: 'plain', active: true, open: false, permissions: 'writeable', allocationPolicy: 'inherited' }],
  ['owi-aos---', { volumeType: 'origin', open: true, targetType: 'snapshot' }],
  ['owi---s---', { volumeType: 'origin', state: 'inactive', active: false, open: false }],
  ['Owi-aos---', { volumeType: 'merging-origin', volumeTypeLabel: 'origin with merging snapshot', active: true }],
  ['swi-a-s---', { volumeType: 'snapshot', state: 'active', invalidSnapshot: false, targetType: 'snapshot' }],
  ['swi-I-s---', { volumeType: 'snapshot', state: 'invalid-snapshot', active: true, invalidSnapshot: true }],
  ['swi-S-s---', { state: 'suspended-invalid-snapshot', suspended: true, invalidSnapshot: true }], // man lvs
  ['swi-m-s---', { state: 'merge-failed', mergeFailed: true, active: true }], // man lvs
  ['Swi-M-s---', { volumeType: 'merging-snapshot', state: 'suspended-merge-failed', mergeFailed: true, suspended: true }], // man lvs
  ['swi---s---', { volumeType: 'snapshot', state: 'inactive', active: false }],
  ['Swi-a-s---', { volumeType: 'merging-snapshot', active: true }],
  ['twi-aotz--', { volumeType: 'thin-pool', open: true, targetType: 'thin', zeroing: true, health: 'ok' }],
  ['twi-aotzD-', { volumeType: 'thin-pool', health: 'out-of-data-space' }], // man lvs
  ['twi-aotzM-', { volumeType: 'thin-pool', health: 'metadata-read-only' }], // man lvs
  ['twi-cotz--', { state: 'thin-pool-check-needed', active: true }], // man lvs
  ['Twi-ao----', { volumeType: 'thin-pool-data', volumeTypeLabel: 'thin pool data' }],
  ['ewi-ao----', { volumeType: 'pool-metadata', active: true }],
  ['ewi-------', { volumeType: 'pool-metadata', active: false, open: false }],
  ['Vwi-a-tz--', { volumeType: 'thin-volume', targetType: 'thin', skipActivation: false }],
  ['Vwi---tz-k', { volumeType: 'thin-volume', state: 'inactive', active: false, skipActivation: true }],
  ['Vwi-a-tz-k', { volumeType: 'thin-volume', active: true, skipActivation: true }],
  ['-wi-XX----', { state: 'unknown', active: false, open: null }], // --readonly
  ['-wi-s-----', { state: 'suspended', active: true, suspended: true }],
  ['-wi-h-----', { state: 'historical', active: false }],
  ['-wi-d-----', { state: 'mapped-without-tables', active: false }],
  ['-ri-a-----', { permissions: 'read-only' }],
  ['-Ri-a-----', { permissions: 'read-only-activation' }],
  ['-wC-a-----', { allocationPolicy: 'contiguous', allocationLocked: true }],
  ['-wcma-----', { allocationPolicy: 'contiguous', allocationLocked: false, fixedMinor: true }],
  ['-wi-a---p-', { health: 'partial' }],
  ['rwi-a-r---', { volumeType: 'other', volumeTypeLabel: 'raid', targetType: 'raid' }],
  ['mwi-a-m---', { volumeType: 'other', volumeTypeLabel: 'mirrored', targetType: 'mirror' }],
  ['Cwi-a-C---', { volumeType: 'other', volumeTypeLabel: 'cache', targetType: 'cache' }],
  ['vwi-a-v---', { volumeType: 'other', volumeTypeLabel: 'virtual', targetType: 'virtual' }],
  ['iwi-a-r---', { volumeType: 'other', volumeTypeLabel: 'mirror or raid image' }],
  ['lwi-a-m---', { volumeType: 'other', volumeTypeLabel: 'mirror log device' }],
  ['pwi-a-m---', { volumeType: 'other', volumeTypeLabel: 'pvmove' }],
  ['?wi-?-?-?-', { volumeType: 'other', state: 'unknown', targetType: 'unknown', health: 'unknown' }],
];

describe('decodeLvAttr', () => {
  it.each(CASES)('%s', (attr, expected) => {
    expect(decodeLvAttr(attr)).toMatchObject({ raw: attr, ...expected });
  });

  it.each(['', 'swi-a-s--', 'swi-a-s----', '[web_pre]'])('throws on %j (not 10 characters)', (attr) => {
    expect(() => decodeLvAttr(attr)).toThrow(/lv_attr must be 10 characters/);
  });
});
