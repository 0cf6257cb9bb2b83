/**
 * argv of the device-mapper reads. `dmsetup status -v` prints every device's name, UUID, state and open count
 * with its status lines in one process (see status.ts); it takes no lvm2 lock and reads no metadata.
 */
export function dmStatusArgv(): string[] {
  return ['dmsetup', 'status', '-v'];
}

/**
 * A long-lived poll loop (DmPollStream): for every line "poll" on its stdin it runs `dmsetup status -v` ("status":
 * `dmsetup status`, the same figures without each device's UUID, state and open count) and then
 * prints "@@cowherd-NONCE <exit code>" on a line of its own (after a newline: dmsetup's last line may lack one).
 * Anything else on stdin ends it, as does the end of stdin (Cowherd closed the channel or exited). One process
 * start per poll instead of a login shell, the host helper and dmsetup (each a process start over ssh).
 * dmsetup's output cannot hold the marker: its lines are "Key: value", blank, or "START LENGTH TARGET ...".
 */
export const DM_POLL_LOOP = `n=$1
while read -r req; do
  case $req in
    poll) dmsetup status -v; printf '\\n@@cowherd-%s %s\\n' "$n" "$?" ;;
    status) dmsetup status; printf '\\n@@cowherd-%s %s\\n' "$n" "$?" ;;
    *) exit 2 ;;
  esac
done`;

export function dmPollLoopArgv(nonce: string): string[] {
  return ['sh', '-c', DM_POLL_LOOP, 'sh', nonce];
}
