import 'server-only';
import type { z } from 'zod';
import { jsonError } from './guard';

const MAX_JSON_BYTES = 64 * 1024;

export type ParsedBody<T> = { ok: true; data: T } | { ok: false; response: Response };

/** Read and validate a small JSON request body; a 400 (or 413) response as a value when it does not fit. */
export async function parseJsonBody<S extends z.ZodType>(req: Request, schema: S): Promise<ParsedBody<z.infer<S>>> {
  const length = Number(req.headers.get('content-length') ?? 0);
  if (length > MAX_JSON_BYTES) return { ok: false, response: jsonError(413, 'request body too large') };
  let body: unknown;
  try {
    const text = await req.text();
    if (text.length > MAX_JSON_BYTES) return { ok: false, response: jsonError(413, 'request body too large') };
    body = JSON.parse(text);
  } catch {
    return { ok: false, response: jsonError(400, 'invalid request: body must be JSON') };
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return { ok: false, response: jsonError(400, `invalid request: ${where}${issue?.message ?? 'invalid'}`) };
  }
  return { ok: true, data: parsed.data };
}

/** A positive integer id from a route parameter, or null. */
export function parseId(value: string | undefined): number | null {
  return value && /^[1-9]\d{0,15}$/.test(value) ? Number(value) : null;
}
