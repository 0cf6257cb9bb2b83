import 'server-only';
import { findHost } from '@/lib/config/hosts';
import type { Principal } from '@/lib/auth/guard';
import { roleAtLeast } from '@/lib/auth/roles';
import { db } from '@/lib/store/db';
import { addAudit } from '@/lib/store/jobs';
import type { Fail } from './browse';
import { parseGuestPath } from './paths';

/** What every files route reads from its URL: the snapshot, the file system and the path, checked. */
export interface FilesRequest {
  host: string;
  vg: string;
  lv: string;
  fsId: string;
  parts: string[];
  path: string;
}

export type RouteCtx = { params: Promise<{ host: string; vg: string; lv: string }> };

export function failResponse(f: Fail): Response {
  return Response.json({ error: f.error }, { status: f.status });
}

/**
 * The host's browse role (fileBrowseRole, operator unless the hosts file says otherwise): guests' files can hold
 * secrets, so a viewer of the inventory is not by that a reader of its guests' files.
 */
export function mayBrowse(principal: Principal, hostId: string): Fail | null {
  const host = findHost(hostId);
  if (!host) return { ok: false, status: 404, error: `unknown host ${hostId}` };
  if (!roleAtLeast(principal.role, host.fileBrowseRole)) {
    return { ok: false, status: 403, error: `forbidden: browsing files on ${hostId} needs role ${host.fileBrowseRole}` };
  }
  return null;
}

export async function filesRequest(req: Request, ctx: RouteCtx, principal: Principal, opts: { needsPath: boolean }): Promise<{ ok: true; r: FilesRequest } | Fail> {
  const { host, vg, lv } = await ctx.params;
  const denied = mayBrowse(principal, host);
  if (denied) return denied;
  const q = new URL(req.url).searchParams;
  const fsId = q.get('fs') ?? '';
  if (!/^(p[0-9]{1,3}|disk)$/.test(fsId)) return { ok: false, status: 400, error: 'fs must be a file system id from .../filesystems (p1, p2... or disk)' };
  if (!opts.needsPath) return { ok: true, r: { host, vg, lv, fsId, parts: [], path: '/' } };
  const p = parseGuestPath(q.get('path') ?? '/');
  if (!p.ok) return { ok: false, status: 400, error: p.error };
  return { ok: true, r: { host, vg, lv, fsId, parts: p.parts, path: p.path } };
}

/** Every download (and preview) in the audit log: who, which snapshot, which file system and path. */
export function auditDownload(principal: Principal, r: FilesRequest, operation: 'download-file' | 'download-archive' | 'preview-file'): void {
  addAudit(db(), {
    host: r.host,
    jobId: null,
    operation,
    username: principal.username,
    argv: [`${r.vg}/${r.lv}`, r.fsId, r.path],
    exitCode: null,
    durationMs: null,
    stderr: null,
  });
}

/** RFC 6266 attachment header: an ASCII fallback and the exact name in RFC 5987 encoding. */
export function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
