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
];
