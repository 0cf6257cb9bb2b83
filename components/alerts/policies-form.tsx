'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { TableFrame, tdClass, thClass } from '@/components/ui/table';
import { primaryButton, secondaryButton } from '@/components/wizards/styles';
import { formatBytes } from '@/lib/format';
import type { AutoextendPolicies, AutoextendSettings } from '@/lib/alerts/types';
import { alertsKey, sendJson } from './api';
import { FormStatus, NO_OUTCOME, type Outcome } from './form-status';
import { MiB } from '@/lib/format';

const small =
  'block rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 shadow-sm ' +
  'focus:border-emerald-600 focus:outline-none focus:ring-2 focus:ring-emerald-600/30';

interface SettingsDraft {
  enabled: boolean;
  threshold: string;
  grow: string;
  /** MiB; empty: no cap. */
  cap: string;
}
interface SnapshotDraft extends SettingsDraft {
  key: number;
  host: string;
  vg: string;
  snapshot: string;
}

const toDraft = (s: AutoextendSettings): SettingsDraft => ({
  enabled: s.enabled,
  threshold: String(s.thresholdPercent),
  grow: String(s.growPercent),
  cap: s.maxSizeBytes === null ? '' : String(Math.round((s.maxSizeBytes / MiB) * 100) / 100),
});
const fromDraft = (d: SettingsDraft): AutoextendSettings => ({
  enabled: d.enabled,
  thresholdPercent: Number(d.threshold),
  growPercent: Number(d.grow),
  maxSizeBytes: d.cap.trim() === '' ? null : Math.round(Number(d.cap) * MiB),
});

function summary(s: AutoextendSettings): string {
  if (!s.enabled) return 'off';
  return `at ${s.thresholdPercent}% grow by ${s.growPercent}%${s.maxSizeBytes === null ? '' : `, at most ${formatBytes(s.maxSizeBytes)}`}`;
}

/** The settings cells of one policy (enabled, threshold, growth, cap), labelled by `name`. */
function SettingsCells({ d, name, onChange }: { d: SettingsDraft; name: string; onChange: (p: Partial<SettingsDraft>) => void }) {
  return (
    <>
      <td className={tdClass}>
        <input
          type="checkbox"
          checked={d.enabled}
          onChange={(e) => onChange({ enabled: e.target.checked })}
          aria-label={`${name}: enabled`}
          className="size-4 accent-emerald-700"
        />
      </td>
      <td className={tdClass}>
        <input type="number" min={1} max={99} step="any" required value={d.threshold} onChange={(e) => onChange({ threshold: e.target.value })}
          aria-label={`${name}: extend at fill (%)`} className={`${small} w-20`} />
      </td>
      <td className={tdClass}>
        <input type="number" min={1} max={1000} step="any" required value={d.grow} onChange={(e) => onChange({ grow: e.target.value })}
          aria-label={`${name}: grow by (% of the current size)`} className={`${small} w-20`} />
      </td>
      <td className={tdClass}>
        <input type="number" min={1} step="any" value={d.cap} placeholder="none" onChange={(e) => onChange({ cap: e.target.value })}
          aria-label={`${name}: cap (MiB, empty for none)`} className={`${small} w-28`} />
      </td>
    </>
  );
}

/** Auto-extend policies: the default for every classic snapshot and per-snapshot ones (admins edit). */
export function PoliciesForm({ policies, admin, hosts }: { policies: AutoextendPolicies; admin: boolean; hosts: { id: string; name: string }[] }) {
  const [def, setDef] = useState(() => toDraft(policies.default));
  const [rows, setRows] = useState<SnapshotDraft[]>(() =>
    policies.snapshots.map((s, i) => ({ key: i, host: s.host, vg: s.vg, snapshot: s.snapshot, ...toDraft(s) })),
  );
  const [nextKey, setNextKey] = useState(policies.snapshots.length);
  const [outcome, setOutcome] = useState<Outcome>(NO_OUTCOME);
  const [saving, setSaving] = useState(false);
  const qc = useQueryClient();

  if (!admin) {
    return (
      <div className="space-y-2 text-sm text-slate-700">
        <p>
          Default for every classic snapshot: <strong>{summary(policies.default)}</strong>.
        </p>
        {policies.snapshots.length > 0 && (
          <ul className="list-inside list-disc">
            {policies.snapshots.map((s) => (
              <li key={`${s.host}:${s.vg}/${s.snapshot}`}>
                <span className="font-mono text-xs">
                  {s.host}: {s.vg}/{s.snapshot}
                </span>{' '}
                — {summary(s)}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }

  const updateRow = (key: number, p: Partial<SnapshotDraft>) => setRows((r) => r.map((x) => (x.key === key ? { ...x, ...p } : x)));

  async function save(e: FormEvent) {
    e.preventDefault();
    setSaving(true);
    const body = {
      default: fromDraft(def),
      snapshots: rows.map((r) => ({ host: r.host, vg: r.vg.trim(), snapshot: r.snapshot.trim(), ...fromDraft(r) })),
    };
    const res = await sendJson<{ policies: AutoextendPolicies }>('PUT', '/api/alerts/policies', body);
    setSaving(false);
    setOutcome(res.ok ? { error: null, message: 'Policies saved. They apply from the next poll.' } : { error: res.error, message: null });
    if (res.ok) await qc.invalidateQueries({ queryKey: alertsKey });
  }

  return (
    <form onSubmit={(e) => void save(e)} aria-label="Auto-extend policies" className="space-y-3">
      <TableFrame caption="Auto-extend policies">
        <thead>
          <tr>
            <th scope="col" className={thClass}>Applies to</th>
            <th scope="col" className={thClass}>On</th>
            <th scope="col" className={thClass}>Extend at (%)</th>
            <th scope="col" className={thClass}>Grow by (%)</th>
            <th scope="col" className={thClass}>Cap (MiB)</th>
            <th scope="col" className={thClass}>
              <span className="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          <tr>
            <th scope="row" className={`${tdClass} text-left font-medium text-slate-900`}>
              Default <span className="block text-xs font-normal text-slate-500">every classic snapshot without its own policy</span>
            </th>
            <SettingsCells d={def} name="Default policy" onChange={(p) => setDef((d) => ({ ...d, ...p }))} />
            <td className={tdClass} />
          </tr>
          {rows.map((r) => {
            const name = `Policy for ${r.vg || 'vg'}/${r.snapshot || 'snapshot'}`;
            return (
              <tr key={r.key}>
                <td className={tdClass}>
                  <div className="flex flex-wrap items-center gap-1">
                    <select value={r.host} onChange={(e) => updateRow(r.key, { host: e.target.value })} aria-label={`${name}: host`} className={small}>
                      {hosts.map((h) => (
                        <option key={h.id} value={h.id}>
                          {h.name}
                        </option>
                      ))}
                    </select>
                    <input value={r.vg} required onChange={(e) => updateRow(r.key, { vg: e.target.value })} placeholder="vg" aria-label={`${name}: volume group`}
                      className={`${small} w-20 font-mono`} />
                    <span aria-hidden="true">/</span>
                    <input value={r.snapshot} required onChange={(e) => updateRow(r.key, { snapshot: e.target.value })} placeholder="snapshot"
                      aria-label={`${name}: snapshot`} className={`${small} w-40 font-mono`} />
                  </div>
                </td>
                <SettingsCells d={r} name={name} onChange={(p) => updateRow(r.key, p)} />
                <td className={tdClass}>
                  <button type="button" onClick={() => setRows((x) => x.filter((y) => y.key !== r.key))} className={`${secondaryButton} !px-2 !py-1 text-xs`}
                    aria-label={`Remove ${name}`}>
                    Remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </TableFrame>
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          className={secondaryButton}
          onClick={() => {
            setRows((x) => [...x, { key: nextKey, host: hosts[0]?.id ?? '', vg: '', snapshot: '', ...toDraft({ ...policies.default, enabled: true }) }]);
            setNextKey((k) => k + 1);
          }}
        >
          Add a snapshot policy
        </button>
        <button type="submit" disabled={saving} className={primaryButton}>
          {saving ? 'Saving…' : 'Save policies'}
        </button>
      </div>
      <FormStatus {...outcome} />
    </form>
  );
}
