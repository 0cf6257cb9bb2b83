import type { Metadata } from 'next';
import { JobsTable } from '@/components/jobs/jobs-table';
import { requirePageUser } from '@/lib/auth/guard';
import { db } from '@/lib/store/db';
import { listJobs } from '@/lib/store/jobs';

export const metadata: Metadata = { title: 'Jobs' };

const LIMIT = 100;

export default async function JobsPage() {
  await requirePageUser();
  // The plan stays on the server (the list does not need it); the browser keeps polling GET /api/jobs.
  const jobs = listJobs(db(), { limit: LIMIT }).map(({ plan: _plan, ...j }) => j);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Jobs</h1>
      <JobsTable initial={jobs} limit={LIMIT} />
    </div>
  );
}
