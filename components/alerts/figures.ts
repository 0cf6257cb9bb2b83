import { formatBytes, formatHours, formatPercent, formatRate } from '@/lib/format';
import type { AlertFigures } from '@/lib/alerts/types';

/** The figures of an alert worth a column: "81.60% full · +12.00 %/h · full in 1 h 30 min · 16 MiB COW". */
export function figuresText(f: AlertFigures): string {
  const parts: string[] = [];
  if (f.fillPercent != null) parts.push(`${formatPercent(f.fillPercent)} full`);
  if (f.metadataPercent != null) parts.push(`metadata ${formatPercent(f.metadataPercent)} full`);
  if (f.ratePerHour != null) parts.push(formatRate(f.ratePerHour));
  if (f.hoursToFull != null) parts.push(`full in ${formatHours(f.hoursToFull)}`);
  if (f.sizeBytes != null) parts.push(`${formatBytes(f.sizeBytes)} ${f.metadataPercent !== undefined ? 'pool' : 'COW'}`);
  if (f.failures != null) parts.push(`${f.failures} failed read${f.failures === 1 ? '' : 's'}`);
  return parts.join(' · ');
}
