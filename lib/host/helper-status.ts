/**
 * The host helper's state on one host (issue 16), checked at the first use of a host's runner and shown with its
 * inventory: "missing" (the key runs something else, or nothing answers `version`), "outdated" (its verb table is
 * not Cowherd's: some commands would be refused), "unreachable", "ok". Types only: the browser shows it.
 */
export interface HelperStatus {
  status: 'ok' | 'missing' | 'outdated' | 'unreachable';
  /** What the host answered to `version` ("cowherd-host 1 0123abcd4567"), when it did. */
  found?: string;
  expected: string;
  message?: string;
}
