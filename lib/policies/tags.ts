// The LVM tags of snapshot policies (issue 12), in a module of their own so that client components can read them
// without the schema's zod and croner.

/** The tag every snapshot a policy makes carries: pruning touches only LVs with its own policy's tag. */
export const policyTag = (id: number) => `cowherd-policy-${id}`;
/** A snapshot with this tag is never pruned nor expired by any policy. */
export const PROTECTED_TAG = 'cowherd-protected';

/** The policy that made a snapshot, from its tags (null for a manual one). */
export function policyIdOf(tags: readonly string[]): number | null {
  for (const t of tags) {
    const m = /^cowherd-policy-([0-9]{1,12})$/.exec(t);
    if (m) return Number(m[1]);
  }
  return null;
}
