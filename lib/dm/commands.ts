/**
 * argv of the device-mapper reads. `dmsetup status -v` prints every device's name, UUID, state and open count
 * with its status lines in one process (see status.ts); it takes no lvm2 lock and reads no metadata.
 */
export function dmStatusArgv(): string[] {
  return ['dmsetup', 'status', '-v'];
}
