import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { JobDetail } from '@/components/jobs/job-detail';
import { requirePageUser } from '@/lib/auth/guard';
import { roleAtLeast } from '@/lib/auth/roles';
import { shellJoin } from '@/lib/host/quote';
import { stepCommand } from '@/lib/ops/render';
import { db } from '@/lib/store/db';
import { getJob } from '@/lib/store/jobs';

type Params = Promise<{ id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { id } = await params;
  return { title: `Job #${id}` };
}

export default async function JobPage({ params }: { params: Params }) {
  const me = await requirePageUser();
  const { id } = await params;
  if (!/^\d{1,12}$/.test(id)) notFound();
  const job = getJob(db(), Number(id));
  if (!job) notFound();
  // The commands never change, so they are rendered here once (the browser only polls statuses and output):
  // a step's stored argv as a user would type it, or for a wait step its description from the plan.
  const commands = job.steps.map((s) => {
    const planned = job.plan?.steps[s.seq];
    // Steps on another host, and streams between hosts, say where they run.
    if (planned && (planned.kind === 'pipe' || (planned.kind === 'run' && planned.host))) return stepCommand(planned);
    if (s.argv?.length) return shellJoin(s.argv);
    return planned ? stepCommand(planned) : null;
  });
  return <JobDetail initial={job} commands={commands} canOperate={roleAtLeast(me.role, 'operator')} />;
}
