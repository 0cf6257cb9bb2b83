// Runs once when the server starts: validate the configuration, create the first admin, start the COW sampler,
// and take over jobs that were running when the server stopped.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // First, before any request: route handlers learn the socket address only through this stamp (lib/auth/peer-stamp.ts).
  (await import('@/lib/auth/peer-stamp')).installPeerStamp();
  const { config } = await import('@/lib/config/hosts');
  config(); // a bad hosts file fails start-up with its message
  // A data directory others can write to, or an unsafe ssh control directory, stops the server here with the fix in
  // the message. Exit ourselves: Next only logs an error thrown from register() and goes on serving.
  try {
    (await import('@/lib/store/db')).db();
    const { hosts, runnerFor } = await import('@/lib/host');
    for (const host of hosts()) runnerFor(host);
  } catch (e) {
    console.error(`cowherd: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
  const { ensureInitialAdmin } = await import('@/lib/auth/bootstrap');
  await ensureInitialAdmin();
  const { startSampler } = await import('@/lib/inventory/sampler');
  startSampler();
  (await import('@/lib/alerts/engine')).startAlertEngine();
  // Issue 12: snapshot policies; fails runs a killed process left 'running' before the first tick.
  (await import('@/lib/policies/scheduler')).startPolicyScheduler();
  // In the background: recovery re-reads the host over SSH, which must not keep the server from answering.
  const { recoverJobs } = await import('@/lib/ops/jobs');
  void recoverJobs().catch((e: unknown) => console.error('cowherd: job recovery failed:', e));
  // Issue 13: mounts and loop devices a crashed Cowherd left under /run/cowherd/browse (in the background too).
  void (await import('@/lib/files/browse')).cleanupAllHosts();
}
