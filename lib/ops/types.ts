// Operations are plans: preflight checks (computed from a fresh read of the host), then steps that each run one
// argv, then post-checks that re-read the host. A plan is plain data, so it can be shown before it runs (dry run),
// stored with its job, and resumed after a restart.

export type OperationName =
  | 'create-snapshot'
  | 'extend-snapshot'
  | 'remove-snapshot'
  | 'export-snapshot'
  | 'merge-snapshot'
  | 'complete-merge';

export interface Check {
  title: string;
  ok: boolean;
  /** Why it failed, or a detail worth showing when it passed. */
  detail?: string;
  /** A warning does not stop the plan; a failed blocking check does. */
  blocking: boolean;
}

export type WaitSpec =
  /** Poll `virsh domstate` until the domain is in one of the states. */
  | { type: 'domain-state'; domain: string; states: string[] }
  /**
   * Poll `lvs -a` until the snapshot is gone (a merge finished); progress is its data_percent falling to 0.
   * With `drive`, while the snapshot lingers and its origin is closed, `lvchange --refresh VG/ORIGIN` starts a
   * deferred merge and finishes lvm2's bookkeeping (with lvmpolld off nothing else does; see the facts sheet).
   */
  | { type: 'merge-finished'; vg: string; snapshot: string; origin: string; drive?: boolean };

export type Step =
  | {
      kind: 'run';
      title: string;
      argv: string[];
      timeoutMs?: number;
      /** Parse progress from the command's output. */
      progress?: 'qemu-img';
      /** Runs even when an earlier step failed (thaw, resume), but only if step `after` succeeded. */
      cleanup?: { after: number };
      /** Exit codes that count as success besides 0. */
      okExitCodes?: number[];
      /** A clearer message than the command's stderr when it fails. */
      failMessage?: string;
    }
  | {
      kind: 'wait';
      title: string;
      wait: WaitSpec;
      timeoutMs: number;
      pollMs?: number;
      cleanup?: { after: number };
      /** Run when the wait times out (a forced power-off the user agreed to), then wait as long again. */
      onTimeout?: { title: string; argv: string[] };
    };

export type PostCheck =
  | { type: 'lv-present'; vg: string; lv: string; origin?: string }
  | { type: 'lv-absent'; vg: string; lv: string }
  | { type: 'lv-size-at-least'; vg: string; lv: string; bytes: number }
  | { type: 'lv-not-merging'; vg: string; lv: string }
  | { type: 'lv-merging'; vg: string; lv: string }
  | { type: 'domain-state'; domain: string; states: string[] }
  | { type: 'file-present'; path: string };

export interface Plan {
  operation: OperationName;
  host: string;
  params: Record<string, unknown>;
  /** One sentence: what will happen. */
  summary: string;
  /** Consequences in plain words, shown before confirming. */
  consequences: string[];
  /** Operations on the same lock never interleave (a volume group: "host:vg"). */
  lockKey: string;
  preflight: Check[];
  steps: Step[];
  postChecks: { title: string; check: PostCheck }[];
  destructive: boolean;
  /** After a restart the job continues from what the host shows (merges) instead of ending as interrupted. */
  resumable?: boolean;
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; error: string; preflight?: Check[] };

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';
