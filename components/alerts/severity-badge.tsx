import { Badge } from '@/components/ui/badge';
import type { Severity } from '@/lib/alerts/types';

/** "Critical" in solid red, "Warning" in amber: the word is the information, the colour only repeats it. */
export function SeverityBadge({ severity, resolved = false }: { severity: Severity; resolved?: boolean }) {
  if (resolved) return <Badge tone="slate">{severity === 'critical' ? 'Critical' : 'Warning'}, resolved</Badge>;
  return severity === 'critical' ? (
    <Badge tone="red" strong>
      Critical
    </Badge>
  ) : (
    <Badge tone="amber" strong>
      Warning
    </Badge>
  );
}
