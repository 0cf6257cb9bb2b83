'use client';

import type { JobRow, JobStepRow } from '@/lib/store/jobs';

export type JobSummary = Omit<JobRow, 'plan'>;
export type JobWithSteps = JobRow & { steps: JobStepRow[] };

export const isActive = (status: string) => status === 'running' || status === 'queued';

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { cache: 'no-store' });
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
  return body;
}

export async function fetchJobs(limit: number): Promise<JobSummary[]> {
  return (await getJson<{ jobs: JobSummary[] }>(`/api/jobs?limit=${limit}`)).jobs;
}

export async function fetchJob(id: number): Promise<JobWithSteps> {
  return (await getJson<{ job: JobWithSteps }>(`/api/jobs/${id}`)).job;
}
