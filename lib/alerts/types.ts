/**
 * Alerts and auto-extend: the types the server, the JSON API and the /alerts page share. Client-safe (no imports
 * of server modules).
 */

export type Severity = 'warning' | 'critical';
export const SEVERITIES: readonly Severity[] = ['warning', 'critical'];

export type RuleId =
  | 'fill-warning'
  | 'fill-critical'
  | 'time-to-full'
  | 'snapshot-invalid'
  | 'merge-failed'
  | 'host-unreachable'
  | 'autoextend-blocked'
  | 'pool-warning'
  | 'pool-critical'
  // Issue 12: snapshot policies.
  | 'policy-failed'
  | 'policy-stale';

export interface AlertRule {
  id: RuleId;
  enabled: boolean;
  severity: Severity;
  /** The rule's number in its unit (RULE_INFO[id].unit); null for rules without one. */
  threshold: number | null;
}

export interface RuleInfo {
  title: string;
  /** What the threshold means, for the form: "fires at or above this COW fill". */
  description: string;
  unit: '%' | 'h' | 'failed reads' | null;
  /** Bounds for the threshold (inclusive). */
  min?: number;
  max?: number;
  /** Whole numbers only. */
  integer?: boolean;
  defaults: Omit<AlertRule, 'id'>;
}

/** The rules, in the order the page lists them, with their defaults. */
export const RULE_INFO: Record<RuleId, RuleInfo> = {
  'fill-warning': {
    title: 'COW area filling up',
    description: 'A classic snapshot whose COW area is at least this full.',
    unit: '%',
    min: 1,
    max: 100,
    defaults: { enabled: true, severity: 'warning', threshold: 80 },
  },
  'fill-critical': {
    title: 'COW area almost full',
    description: 'A classic snapshot whose COW area is at least this full.',
    unit: '%',
    min: 1,
    max: 100,
    defaults: { enabled: true, severity: 'critical', threshold: 95 },
  },
  'time-to-full': {
    title: 'COW area full soon',
    description: 'A snapshot expected to be full in less than this many hours at its current fill rate.',
    unit: 'h',
    min: 0.1,
    max: 720,
    defaults: { enabled: true, severity: 'warning', threshold: 6 },
  },
  'snapshot-invalid': {
    title: 'Snapshot invalid',
    description: 'The COW area overflowed: the snapshot is lost and can only be removed.',
    unit: null,
    defaults: { enabled: true, severity: 'critical', threshold: null },
  },
  'merge-failed': {
    title: 'Merge failed',
    description: 'lvm2 reports a failed merge of a snapshot into its origin.',
    unit: null,
    defaults: { enabled: true, severity: 'critical', threshold: null },
  },
  'host-unreachable': {
    title: 'Host unreachable',
    description: 'A host did not answer this many reads in a row.',
    unit: 'failed reads',
    min: 1,
    max: 100,
    integer: true,
    defaults: { enabled: true, severity: 'critical', threshold: 2 },
  },
  'autoextend-blocked': {
    title: 'Cannot auto-extend',
    description: 'An auto-extend policy wants to grow a snapshot but cannot (no free space, cap reached, job failed).',
    unit: null,
    defaults: { enabled: true, severity: 'warning', threshold: null },
  },
  'pool-warning': {
    title: 'Thin pool filling up',
    description: 'A thin pool whose data or metadata is at least this full (thin volumes and snapshots stop when it is full).',
    unit: '%',
    min: 1,
    max: 100,
    defaults: { enabled: true, severity: 'warning', threshold: 80 },
  },
  'pool-critical': {
    title: 'Thin pool almost full',
    description: 'A thin pool whose data or metadata is at least this full (thin volumes and snapshots stop when it is full).',
    unit: '%',
    min: 1,
    max: 100,
    defaults: { enabled: true, severity: 'critical', threshold: 90 },
  },
  // Issue 12: snapshot policies (evaluated from their runs: lib/policies/alerts.ts).
  'policy-failed': {
    title: 'Policy run failed',
    description: 'The last run of a snapshot policy failed; once per failure streak, resolved by the next successful run.',
    unit: null,
    defaults: { enabled: true, severity: 'critical', threshold: null },
  },
  'policy-stale': {
    title: 'Policy behind',
    description: "A snapshot policy's newest successful run is older than this many hours (sanoid's freshness check).",
    unit: 'h',
    min: 0.01,
    max: 8760,
    defaults: { enabled: true, severity: 'warning', threshold: 26 },
  },
};

export const RULE_IDS = Object.keys(RULE_INFO) as RuleId[];

/** Rules evaluated from snapshot policies' runs (issue 12). */
export const POLICY_RULES: readonly RuleId[] = ['policy-failed', 'policy-stale'];

/** Rules evaluated from a host's inventory (one successful read answers all of them for that host). */
export const INVENTORY_RULES: readonly RuleId[] = [
  'fill-warning',
  'fill-critical',
  'time-to-full',
  'snapshot-invalid',
  'merge-failed',
  'autoextend-blocked',
  'pool-warning',
  'pool-critical',
];

export interface AlertFigures {
  /** COW fill of a snapshot, or data fill of a thin pool (lvs data_percent). */
  fillPercent?: number | null;
  /** Metadata fill of a thin pool (lvs metadata_percent); only on thin-pool alerts. */
  metadataPercent?: number | null;
  /** Percentage points per hour. */
  ratePerHour?: number | null;
  hoursToFull?: number | null;
  /** COW area size. */
  sizeBytes?: number;
  vgFreeBytes?: number;
  /** Failed reads in a row (host-unreachable). */
  failures?: number;
  /** The host's or the auto-extension's error message. */
  error?: string;
  /** Hours since a snapshot policy's newest successful run (policy-stale). */
  hoursSinceSuccess?: number;
}

export interface AlertLink {
  label: string;
  /** A path of this app (a wizard), e.g. /hosts/lab/extend?vg=vg0&snapshot=s. */
  href: string;
}

export type AlertState = 'firing' | 'resolved';

export interface Alert {
  id: number;
  /** Stable identity: rule + host (+ vg/lv uuid). One firing alert per key at most. */
  key: string;
  rule: RuleId;
  severity: Severity;
  state: AlertState;
  host: string;
  vg: string | null;
  lv: string | null;
  lvUuid: string | null;
  /** One line: "vg0/web_snap: COW area 81.60% full (rule: ≥ 80%)". */
  summary: string;
  figures: AlertFigures;
  link: AlertLink | null;
  startedAt: string;
  endedAt: string | null;
  /** Last time the figures were refreshed. */
  updatedAt: string;
}

export interface AutoextendSettings {
  enabled: boolean;
  /** Extend when the COW fill reaches this percentage. */
  thresholdPercent: number;
  /** Grow by this percentage of the current COW size. */
  growPercent: number;
  /** Never grow the COW area beyond this size; null: only the VG's free space bounds it. */
  maxSizeBytes: number | null;
}

export interface SnapshotPolicy extends AutoextendSettings {
  host: string;
  vg: string;
  snapshot: string;
}

export interface AutoextendPolicies {
  /** Applies to every classic snapshot without a policy of its own. */
  default: AutoextendSettings;
  /** Per snapshot (host + vg + snapshot name); wins over the default, also to switch one snapshot off. */
  snapshots: SnapshotPolicy[];
}

export const DEFAULT_AUTOEXTEND: AutoextendSettings = {
  enabled: false,
  thresholdPercent: 70,
  growPercent: 50,
  maxSizeBytes: null,
};

export type DeliveryEvent = 'started' | 'ended' | 'test';

export interface Delivery {
  id: number;
  alertId: number | null;
  alertKey: string;
  event: DeliveryEvent;
  /** scheme://host[:port] of the webhook (never its path or query, which may hold a secret); admins only. */
  target?: string;
  attempt: number;
  at: string;
  ok: boolean;
  /** HTTP status, or null when no answer came (refused, timed out). */
  status: number | null;
  error: string | null;
  durationMs: number | null;
}

export interface WebhookInfo {
  configured: boolean;
  /** The full URL; only for admins. */
  url?: string;
}

/** GET /api/alerts */
export interface AlertsResponse {
  /** Firing alerts (most severe, then newest first), then the most recent resolved ones. */
  alerts: Alert[];
  rules: AlertRule[];
  webhook: WebhookInfo;
  policies: AutoextendPolicies;
  /** Newest first. */
  deliveries: Delivery[];
  firing: { total: number; critical: number; warning: number };
}

/** The body a webhook receives. */
export interface WebhookPayload {
  event: DeliveryEvent;
  alert: Alert;
  /** One line, Slack-compatible (mrkdwn with &, <, > escaped; ends with a <url|link> when `url` is set). */
  text: string;
  /** Absolute link to the page that helps (the alert's wizard, else /alerts); only with COWHERD_PUBLIC_URL. */
  url?: string;
}

/** The user name auto-extension jobs run as (audit, jobs table). */
export const AUTOEXTEND_USER = 'cowherd-autoextend';
