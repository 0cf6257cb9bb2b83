import { Badge, type Tone } from '@/components/ui/badge';
import type { RunResult } from '@/lib/policies/schema';

const TONE: Record<RunResult, Tone> = { ok: 'green', failed: 'red', skipped: 'amber', running: 'blue' };

export function ResultBadge({ result, title }: { result: RunResult | null; title?: string }) {
  if (!result) return <span className="text-slate-400">never ran</span>;
  return (
    <Badge tone={TONE[result]} title={title}>
      {result}
    </Badge>
  );
}
