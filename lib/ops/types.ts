// Operations are plans: preflight checks (computed from a fresh read of the host), then steps that each run one
// argv, then post-checks that re-read the host. A plan is plain data, so it can be shown before it runs (dry run),
// stored with its job, and resumed after a restart.

export type OperationName =
  | 'create-snapshot'
  | 'extend-snapshot'
  | 'remove-snapshot'
  | 'export-snapshot'
  | 'merge-snapshot'
  | 'complete-merge'
  // issue 11: backups (lib/backup)
  | 'backup-volume'
  | 'restore-backup'
  | 'delete-backup'
  | 'verify-backup'
  /** Issue 12: tag a snapshot cowherd-protected (policies never prune it). */
  | 'protect-snapshot'
  // issue 14: move or copy a guest to another host (lib/move)
  | 'move-guest'
  | 'copy-guest'
  /** Issue 14: after a move, undefine the old copy on the source and remove its LVs (lib/move/retire.ts). */
  | 'retire-moved-guest';

export interface Check {
  title: string;
  ok: boolean;
  /** Why it failed, or a detail worth showing when it passed. */
  detail?: string;
  /** A warning does not stop the plan; a failed blocking check does. */
  blocking: boolean;
}

/**
 * What a run step does, so the executor and the recovery after a restart decide by meaning, never by argv[0].
 * Jobs stored before steps had a role get one on load (roleOfArgv in roles.ts).
 */
export type StepRole =
  | 'freeze'
  | 'thaw'
  | 'suspend'
  | 'resume'
  | 'snapshot'
  | 'extend'
  | 'remove'
  | 'merge'
  | 'activate'
  | 'deactivate'
  | 'refresh'
  | 'export'
  | 'verify'
  | 'shutdown'
  | 'destroy'
  | 'start'
  | 'mkdir'
  | 'check'
  // issue 14: moving and copying guests between hosts
  | 'create'
  | 'copy'
  | 'define'
  | 'undefine'
  | 'autostart'
  | 'other';

/** A guest as an operation acts on it: by UUID, on the host's libvirt connection; the name is for people. */
export interface GuestTarget {
  uuid: string;
  name: string;
  /** libvirt connection URI (`virsh --connect`). */
  uri: string;
}

export type WaitSpec =
  /**
   * Poll `virsh domstate` until the domain is in one of the states. `guest` is the domain by UUID and URI; jobs
   * stored before it existed have only `domain` (the name), which is still honoured when it is unambiguous.
   */
  | { type: 'domain-state'; domain: string; guest?: GuestTarget; states: string[] }
  /**
   * Poll `lvs -a` until the snapshot is gone (a merge finished); progress is its data_percent falling to 0.
   * With `drive`, while the snapshot lingers and its origin is closed, `lvchange --refresh VG/ORIGIN` starts a
   * deferred merge and finishes lvm2's bookkeeping (with lvmpolld off nothing else does; see the facts sheet).
   */
  | { type: 'merge-finished'; vg: string; snapshot: string; origin: string; drive?: boolean };

/**
 * A step that runs even after an earlier step failed (thaw, resume), but only if step `after` succeeded.
 * Issue 14 (moves): `onFailure` runs it only when the job has failed (undo what a failed move made on the target),
 * and `unless` skips it once that step has succeeded (the guest started on the target: nothing is undone then).
 */
export interface Cleanup {
  after: number;
  onFailure?: boolean;
  unless?: number;
}

export type Step =
  | {
      kind: 'run';
      title: string;
      /** What the step does; the executor and the recovery decide by it. Progress: 'export' and 'merge'. */
      role: StepRole;
      /** Always from a builder (lib/lvm/commands.ts, lib/libvirt/commands.ts, ./host-commands.ts). */
      argv: string[];
      /**
       * The configured host that runs it when that is not the plan's own host (the target of a backup or a move).
       * Its audit entry is written under that host, linked to the same job.
       */
      host?: string;
      timeoutMs?: number;
      /** Runs even when an earlier step failed (thaw, resume), but only if step `after` succeeded. */
      cleanup?: Cleanup;
      /** Exit codes that count as success besides 0. */
      okExitCodes?: number[];
      /** A clearer message than the command's stderr when it fails. */
      failMessage?: string;
      /** How many bytes an 'export' step moves: its progress then says bytes, throughput and ETA. */
      bytes?: number;
    }
  | {
      /**
       * Stream bytes from a command on one host into a command on another (or the same) host through the Cowherd
       * server: `from`'s stdout is `to`'s stdin (lib/host/pipe.ts). The hosts need no keys for each other. Progress
       * is the bytes passed against `bytes`. It succeeds only when both commands exit 0; when one fails the other
       * is stopped.
       */
      kind: 'pipe';
      title: string;
      role: StepRole;
      from: { host: string; argv: string[] };
      to: { host: string; argv: string[] };
      bytes?: number;
      timeoutMs?: number;
      cleanup?: Cleanup;
      failMessage?: string;
    }
  | {
      kind: 'wait';
      title: string;
      wait: WaitSpec;
      timeoutMs: number;
      pollMs?: number;
      cleanup?: Cleanup;
      /** Run when the wait times out (a forced power-off the user agreed to), then wait as long again. */
      onTimeout?: { title: string; role: StepRole; argv: string[] };
    };

export type PostCheck =
  | { type: 'lv-present'; vg: string; lv: string; origin?: string }
  | { type: 'lv-absent'; vg: string; lv: string }
  | { type: 'lv-size-at-least'; vg: string; lv: string; bytes: number }
  | { type: 'lv-not-merging'; vg: string; lv: string }
  | { type: 'lv-merging'; vg: string; lv: string }
  /** `domain` is the name (for messages); `uuid`, when given, is what is looked up (older jobs have only the name). */
  | { type: 'domain-state'; domain: string; uuid?: string; states: string[] }
  /** Issue 14: the guest (by UUID) is no longer defined on the host (the old copy of a moved guest). */
  | { type: 'domain-absent'; domain: string; uuid: string }
  /** `host`: on another configured host than the plan's (a backup written to another host). */
  | { type: 'file-present'; path: string; host?: string };

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
