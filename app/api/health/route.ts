// Liveness for process supervisors and the e2e web server check; reveals nothing about hosts.
export function GET() {
  return Response.json({ ok: true });
}
