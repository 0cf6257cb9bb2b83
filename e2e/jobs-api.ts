import { expect, type APIRequestContext } from '@playwright/test';

// The jobs API as the browser uses it (session cookie + same Origin), shared by the specs that start jobs directly.

/** POST /api/hosts/lab/jobs with a create-snapshot operation. */
export function postCreateSnapshot(request: APIRequestContext, baseURL: string, params: Record<string, unknown>, dryRun = false) {
  return request.post('/api/hosts/lab/jobs', {
    headers: { Origin: baseURL },
    data: { operation: 'create-snapshot', params, dryRun },
  });
}

/** Poll GET /api/jobs/:id until the job has ended; its final record. */
export async function waitForJob<J extends { status: string }>(
  request: APIRequestContext,
  id: number,
  { timeoutMs, intervalMs }: { timeoutMs: number; intervalMs: number },
): Promise<J> {
  let job: J | undefined;
  await expect
    .poll(
      async () => {
        job = ((await (await request.get(`/api/jobs/${id}`)).json()) as { job: J }).job;
        return job.status;
      },
      { timeout: timeoutMs, intervals: [intervalMs] },
    )
    .not.toMatch(/^(running|queued)$/);
  return job!;
}
