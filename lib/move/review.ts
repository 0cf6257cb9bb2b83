/**
 * What a move or copy plan shows its review step besides the commands (issue 14): each disk and what happens to
 * it, and the domain XML diff. Types only, browser-safe: the plan stores it in its params (plans.ts), the wizard
 * reads it from the dry run.
 */

/** One disk of the guest and what happens to it. */
export interface DiskPlan {
  target: string;
  device: string;
  /** What the wizard shows: "vda: /dev/vg0/web (256 MiB) -> new LV lab2:vg0/web". */
  what: string;
  action: 'copy-lv' | 'copy-qcow2' | 'eject' | 'refuse';
  /** The source LV (copy-lv, copy-qcow2). */
  source?: { vg: string; lv: string; bytes: number };
  /** The target LV (copy-lv); with thinPool a thin volume in that pool of the same VG. */
  lv?: { vg: string; name: string; thinPool?: string };
  /** The target file (copy-qcow2). */
  file?: { dir: string; path: string };
}

export interface MoveReview {
  mode: 'move' | 'copy';
  guest: string;
  targetName: string;
  target: string;
  disks: DiskPlan[];
  xmlDiff: string;
  targetXml: string;
}
