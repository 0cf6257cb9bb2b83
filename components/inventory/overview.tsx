'use client';

import { useMemo } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import { useHostInventories, type HostInventoryQuery, type HostRef } from '@/lib/inventory/client';
import type { AlertRule } from '@/lib/alerts/types';
import type { InventoryLv } from '@/lib/inventory/types';
import { AlertsList } from './alerts-list';
import { isSnapshot } from '@/lib/lvm/model';
import { hostAlerts, type InventoryAlert } from './derive';
import { CollectedAt, HostProblem } from './host-status';
import { VgSummary } from './vg-summary';

export interface OverviewProps {
  hosts: HostRef[];
  pollMs: number;
  /** The stored alert rules (the defaults when left out): the alerts are the server's evaluator's. */
  rules?: readonly AlertRule[];
}

/** Every configured host, answering or not: its alerts and its volume groups. */
export function Overview({ hosts, pollMs, rules }: OverviewProps) {
  const entries = useHostInventories(hosts, pollMs);
  const perHost = entries.map(({ host, query }) => ({
    host,
    query,
    alerts: hostAlerts(host, query.data, query.isError ? query.error.message : undefined, rules),
  }));
  return (
    <div className="space-y-6">
      <Totals perHost={perHost} />
      {perHost.map(({ host, query, alerts }) => (
        <HostOverview key={host.id} host={host} query={query} alerts={alerts} />
      ))}
    </div>
  );
}

function Totals({ perHost }: { perHost: { query: HostInventoryQuery; alerts: InventoryAlert[] }[] }) {
  let answering = 0;
  let snapshots = 0;
  let guests = 0;
  let critical = 0;
  let warnings = 0;
  for (const { query, alerts } of perHost) {
    const inv = query.data?.inventory;
    if (inv?.reachable && !query.isError) answering++;
    snapshots += inv?.lvs.filter(isSnapshot).length ?? 0;
    guests += inv?.domains.length ?? 0;
    for (const a of alerts) {
      if (a.severity === 'critical') critical++;
      else if (a.severity === 'warning') warnings++;
    }
  }
  const tiles = [
    { label: 'Hosts answering', value: `${answering} / ${perHost.length}`, bad: answering < perHost.length },
    { label: 'Snapshots', value: String(snapshots), bad: false },
    { label: 'Guests', value: String(guests), bad: false },
    { label: 'Alerts', value: critical ? `${critical} critical` : warnings ? `${warnings} ${warnings === 1 ? 'warning' : 'warnings'}` : 'none', bad: critical > 0, warn: warnings > 0 },
  ];
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
      {tiles.map((t) => (
        <div key={t.label} className="rounded-xl bg-white px-4 py-3 shadow-sm ring-1 ring-slate-200">
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{t.label}</dt>
          <dd className={`mt-1 text-xl font-semibold tabular-nums ${t.bad ? 'text-red-700' : t.warn ? 'text-amber-700' : 'text-slate-900'}`}>
            {t.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function HostOverview({ host, query, alerts }: { host: HostRef; query: HostInventoryQuery; alerts: InventoryAlert[] }) {
  const inv = query.data?.inventory;
  const headingId = `host-${host.id}`;
  const lvsByVg = useMemo(() => {
    const m = new Map<string, InventoryLv[]>();
    for (const lv of inv?.lvs ?? []) {
      const list = m.get(lv.vg) ?? [];
      list.push(lv);
      m.set(lv.vg, list);
    }
    return m;
  }, [inv?.lvs]);

  return (
    <section aria-labelledby={headingId} className="rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 border-b border-slate-100 px-5 py-3">
        <div className="flex flex-wrap items-baseline gap-x-3">
          <h2 id={headingId} className="text-lg font-semibold text-slate-900">
            {host.name}
          </h2>
          <span className="font-mono text-xs text-slate-500">{host.id}</span>
        </div>
        <CollectedAt query={query} />
      </div>
      <div className="space-y-5 px-5 py-4">
        <HostProblem host={host} query={query} />

        <div>
          <h3 id={`${headingId}-alerts`} className="mb-2 text-sm font-semibold text-slate-900">
            Alerts
          </h3>
          <AlertsList alerts={alerts} labelledBy={`${headingId}-alerts`} />
        </div>

        <div>
          <h3 className="mb-2 text-sm font-semibold text-slate-900">Volume groups</h3>
          {!inv ? (
            <EmptyState title={query.isFetching ? 'Reading the host…' : 'No data from this host yet'} />
          ) : inv.vgs.length === 0 ? (
            <EmptyState title="No volume groups on this host" />
          ) : (
            // Data from before the host stopped answering is dimmed (the banner above says since when).
            <div className={`grid gap-4 lg:grid-cols-2 ${inv.reachable && !query.isError ? '' : 'opacity-75'}`}>
              {inv.vgs.map((vg) => (
                <VgSummary key={vg.name} hostId={host.id} vg={vg} lvs={lvsByVg.get(vg.name) ?? []} />
              ))}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
