import { withApi } from '@/lib/auth/guard';
import { hostStatuses } from '@/lib/inventory/service';

export const dynamic = 'force-dynamic';

/** `{ hosts: [{ id, name, reachable, error? }] }` */
export const GET = withApi('viewer', async () => Response.json({ hosts: await hostStatuses() }));
