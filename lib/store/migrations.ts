// Append-only: never edit a released migration, add a new one. Index + 1 is the schema version.
export const MIGRATIONS: readonly string[] = [
  // 1: users, sessions, API tokens (lib/auth)
  `CREATE TABLE users (
     id INTEGER PRIMARY KEY,
     username TEXT NOT NULL UNIQUE,
     password_hash TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
     created_at TEXT NOT NULL
   );
   CREATE TABLE sessions (
     id_hash TEXT PRIMARY KEY,
     user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL
   );
   CREATE TABLE api_tokens (
     id INTEGER PRIMARY KEY,
     name TEXT NOT NULL,
     token_hash TEXT NOT NULL UNIQUE,
     role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
     created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
     created_at TEXT NOT NULL,
     last_used_at TEXT
   );
   CREATE TABLE login_attempts (
     key TEXT NOT NULL,
     at INTEGER NOT NULL
   );
   CREATE INDEX login_attempts_key ON login_attempts(key, at);`,
  // 2: COW usage samples (inventory sampler)
  `CREATE TABLE cow_samples (
     host TEXT NOT NULL,
     lv_uuid TEXT NOT NULL,
     vg TEXT NOT NULL,
     lv TEXT NOT NULL,
     at INTEGER NOT NULL,
     percent REAL NOT NULL,
     size_bytes INTEGER NOT NULL
   );
   CREATE INDEX cow_samples_lv ON cow_samples(host, lv_uuid, at);`,
  // 3: jobs, their steps, and the audit log of every command run on a host (lib/ops)
  `CREATE TABLE jobs (
     id INTEGER PRIMARY KEY,
     host TEXT NOT NULL,
     operation TEXT NOT NULL,
     params TEXT NOT NULL,
     username TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
     lock_key TEXT,
     phase TEXT,
     progress REAL,
     message TEXT,
     error TEXT,
     created_at TEXT NOT NULL,
     started_at TEXT,
     ended_at TEXT
   );
   CREATE INDEX jobs_status ON jobs(status);
   CREATE TABLE job_steps (
     id INTEGER PRIMARY KEY,
     job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
     seq INTEGER NOT NULL,
     kind TEXT NOT NULL,
     title TEXT NOT NULL,
     argv TEXT,
     status TEXT NOT NULL,
     exit_code INTEGER,
     stdout TEXT,
     stderr TEXT,
     started_at TEXT,
     ended_at TEXT
   );
   CREATE INDEX job_steps_job ON job_steps(job_id, seq);
   CREATE TABLE audit (
     id INTEGER PRIMARY KEY,
     at TEXT NOT NULL,
     host TEXT NOT NULL,
     job_id INTEGER,
     operation TEXT NOT NULL,
     username TEXT NOT NULL,
     argv TEXT NOT NULL,
     exit_code INTEGER,
     duration_ms INTEGER,
     stderr TEXT
   );
   CREATE INDEX audit_at ON audit(at);`,
  // 4: the plan each job runs (JSON), so a job can be shown and resumed after a restart
  `ALTER TABLE jobs ADD COLUMN plan TEXT;
   CREATE INDEX audit_host_op ON audit(host, operation, at);`,
  // 5: alerts (rules, alert history, webhook deliveries) and auto-extend policies (lib/alerts)
  `CREATE TABLE alert_rules (
     id TEXT PRIMARY KEY,
     enabled INTEGER NOT NULL,
     severity TEXT NOT NULL CHECK (severity IN ('warning', 'critical')),
     threshold REAL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE alert_settings (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE alerts (
     id INTEGER PRIMARY KEY,
     key TEXT NOT NULL,
     rule TEXT NOT NULL,
     severity TEXT NOT NULL CHECK (severity IN ('warning', 'critical')),
     state TEXT NOT NULL CHECK (state IN ('firing', 'resolved')),
     host TEXT NOT NULL,
     vg TEXT,
     lv TEXT,
     lv_uuid TEXT,
     summary TEXT NOT NULL,
     figures TEXT NOT NULL,
     link TEXT,
     started_at TEXT NOT NULL,
     ended_at TEXT,
     updated_at TEXT NOT NULL,
     notify_start TEXT NOT NULL DEFAULT 'pending',
     notify_end TEXT
   );
   CREATE UNIQUE INDEX alerts_firing_key ON alerts(key) WHERE state = 'firing';
   CREATE INDEX alerts_host_state ON alerts(host, state);
   CREATE INDEX alerts_started ON alerts(started_at);
   CREATE TABLE alert_deliveries (
     id INTEGER PRIMARY KEY,
     alert_id INTEGER REFERENCES alerts(id) ON DELETE SET NULL,
     alert_key TEXT NOT NULL,
     event TEXT NOT NULL CHECK (event IN ('started', 'ended', 'test')),
     target TEXT NOT NULL,
     attempt INTEGER NOT NULL,
     at TEXT NOT NULL,
     ok INTEGER NOT NULL,
     status INTEGER,
     error TEXT,
     duration_ms INTEGER
   );
   CREATE INDEX alert_deliveries_at ON alert_deliveries(at);
   CREATE TABLE autoextend_policies (
     id INTEGER PRIMARY KEY,
     host TEXT NOT NULL,
     vg TEXT NOT NULL,
     snapshot TEXT NOT NULL,
     enabled INTEGER NOT NULL,
     threshold_percent REAL NOT NULL,
     grow_percent REAL NOT NULL,
     max_size_bytes INTEGER,
     updated_at TEXT NOT NULL,
     CHECK ((host = '' AND vg = '' AND snapshot = '') OR (host <> '' AND vg <> '' AND snapshot <> '')),
     UNIQUE (host, vg, snapshot)
   );`,
  // 6 (auth-hardening, issue 10): security events in the audit log, token expiry, addresses a user signed in from.
  // Security rows have kind 'security', host '' and argv '[]'; existing tokens get 90 days from the upgrade.
  `ALTER TABLE audit ADD COLUMN kind TEXT NOT NULL DEFAULT 'command';
   ALTER TABLE audit ADD COLUMN detail TEXT;
   ALTER TABLE audit ADD COLUMN address TEXT;
   ALTER TABLE audit ADD COLUMN token_id INTEGER;
   CREATE INDEX audit_kind_op ON audit(kind, operation, id);
   ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
   UPDATE api_tokens SET expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+90 days');
   CREATE TABLE login_known_addresses (
     username TEXT NOT NULL,
     address TEXT NOT NULL,
     at INTEGER NOT NULL,
     PRIMARY KEY (username, address)
   );`,
  // 7 (backups, issue 11): the backup catalogue. target_host + file is where the backup lives; volume_sha256 is the
  // SHA-256 of the volume's bytes (checked on restore), file_sha256 that of the file (checked by "verify again").
  `CREATE TABLE backups (
     id INTEGER PRIMARY KEY,
     host TEXT NOT NULL,
     vg TEXT NOT NULL,
     lv TEXT NOT NULL,
     guest_name TEXT,
     guest_uuid TEXT,
     target_host TEXT NOT NULL,
     file TEXT NOT NULL,
     format TEXT NOT NULL CHECK (format IN ('qcow2', 'raw')),
     logical_size INTEGER NOT NULL,
     size_on_disk INTEGER NOT NULL,
     volume_sha256 TEXT NOT NULL,
     file_sha256 TEXT NOT NULL,
     consistency TEXT NOT NULL CHECK (consistency IN ('frozen', 'suspended', 'crash-consistent', 'offline')),
     created_at TEXT NOT NULL,
     duration_ms INTEGER NOT NULL,
     throughput_bps REAL NOT NULL,
     last_verified_at TEXT,
     last_verify_ok INTEGER,
     job_id INTEGER,
     UNIQUE (target_host, file)
   );
   CREATE INDEX backups_volume ON backups(host, vg, lv, created_at);`,
  // 8 (schedules and retention, issue 12): snapshot policies and their runs. At most one run per policy is
  // 'running' (a unique partial index): a due run while the last one still runs is recorded as skipped instead.
  // AUTOINCREMENT: a policy's id is in the LVM tag of its snapshots (cowherd-policy-<id>); a new policy must never
  // get a deleted one's id, or it would adopt (and prune) the snapshots that policy left behind.
  `CREATE TABLE policies (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     name TEXT NOT NULL UNIQUE,
     host TEXT NOT NULL,
     selector TEXT NOT NULL,
     action TEXT NOT NULL,
     cron TEXT NOT NULL,
     time_zone TEXT NOT NULL,
     retention TEXT NOT NULL,
     consistency TEXT NOT NULL,
     max_fill_percent REAL NOT NULL,
     enabled INTEGER NOT NULL,
     note TEXT NOT NULL DEFAULT '',
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     last_due_at TEXT
   );
   CREATE TABLE policy_runs (
     id INTEGER PRIMARY KEY,
     policy_id INTEGER NOT NULL REFERENCES policies(id) ON DELETE CASCADE,
     trigger TEXT NOT NULL,
     started_at TEXT NOT NULL,
     finished_at TEXT,
     result TEXT NOT NULL CHECK (result IN ('running', 'ok', 'failed', 'skipped')),
     reason TEXT,
     job_ids TEXT NOT NULL DEFAULT '[]',
     duration_ms INTEGER
   );
   CREATE UNIQUE INDEX policy_runs_one_running ON policy_runs(policy_id) WHERE result = 'running';
   CREATE INDEX policy_runs_policy ON policy_runs(policy_id, id);`,
  // issue 12: backup policies. policy_id marks the backups a policy made (its retention prunes only those);
  // protected keeps a backup from any pruning (the Backups page's Protect/Unprotect).
  `ALTER TABLE backups ADD COLUMN policy_id INTEGER;
   ALTER TABLE backups ADD COLUMN protected INTEGER NOT NULL DEFAULT 0;
   CREATE INDEX backups_policy ON backups(policy_id, host, vg, lv);`,
];
