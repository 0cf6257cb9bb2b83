'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export const NAV_ITEMS = [
  { href: '/', label: 'Overview' },
  { href: '/snapshots', label: 'Snapshots' },
  { href: '/vgs', label: 'Volume groups' },
  { href: '/guests', label: 'Guests' },
  { href: '/backups', label: 'Backups' },
  { href: '/policies', label: 'Policies' },
  { href: '/jobs', label: 'Jobs' },
  { href: '/audit', label: 'Audit' },
  { href: '/alerts', label: 'Alerts' },
] as const;

/** `alerts`: firing alerts when the page was rendered (the badge on "Alerts"). */
export function Nav({ alerts }: { alerts?: { total: number; critical: number } }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-wrap gap-1">
      {NAV_ITEMS.map((item) => {
        const active = item.href === '/' ? pathname === '/' : pathname.startsWith(item.href);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? 'page' : undefined}
            className={`rounded px-3 py-1.5 text-sm font-medium ${
              active ? 'bg-white/15 text-white' : 'text-emerald-100 hover:bg-white/10 hover:text-white'
            }`}
          >
            {item.label}
            {item.href === '/alerts' && alerts && alerts.total > 0 && (
              <span
                className={`ml-1.5 rounded-full px-1.5 py-0.5 text-xs font-semibold ${alerts.critical > 0 ? 'bg-red-600 text-white' : 'bg-amber-400 text-amber-950'}`}
                aria-label={`${alerts.total} firing`}
              >
                {alerts.total}
              </span>
            )}
          </Link>
        );
      })}
    </nav>
  );
}
