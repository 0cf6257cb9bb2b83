'use client';

import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { buttonClasses } from '@/components/ui/button-link';
import { formatDateTime } from '@/lib/format';
import { formatZodError } from '@/lib/ops/schemas';
import { nextRunTimes, policyInput, type PolicyInput } from '@/lib/policies/schema';
import { applyRetention } from '@/lib/schedule/retention';
import { send } from './api';

type Preset = 'hourly' | 'daily' | 'weekly' | 'custom';
const KEEPS = ['keepLast', 'keepHourly', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly'] as const;
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const input = 'mt-1 block w-full rounded border border-slate-300 px-2 py-1 text-sm';
const label = 'block text-sm font-medium text-slate-700';

/** Cron from a preset: hourly at :MM, daily at HH:MM, weekly on a day at HH:MM. */
function presetCron(preset: Preset, time: string, day: number, custom: string): string {
  const [h, m] = time.split(':').map((x) => Number(x));
  const hh = Number.isInteger(h) ? h : 1;
  const mm = Number.isInteger(m) ? m : 0;
  if (preset === 'hourly') return `${mm} * * * *`;
  if (preset === 'daily') return `${mm} ${hh} * * *`;
  if (preset === 'weekly') return `${mm} ${hh} * * ${day}`;
  return custom;
}

export interface PolicyFormProps {
  hosts: { id: string; name: string }[];
  /** Editing: the policy's id and values. */
  existing?: { id: number; value: PolicyInput };
  defaultTimeZone: string;
}

/** Create or edit a snapshot policy: selector, schedule (presets or cron) with its next five runs, retention with a preview. */
export function PolicyForm({ hosts, existing, defaultTimeZone }: PolicyFormProps) {
  const router = useRouter();
  const v = existing?.value;
  const [name, setName] = useState(v?.name ?? '');
  const [host, setHost] = useState(v?.selector.host ?? hosts[0]?.id ?? '');
  const [selType, setSelType] = useState<'guest' | 'lv' | 'glob'>(v?.selector.type ?? 'guest');
  const [guest, setGuest] = useState(v?.selector.type === 'guest' ? v.selector.guest : '');
  const [pattern, setPattern] = useState(v?.selector.type === 'glob' ? v.selector.pattern : '');
  const [vg, setVg] = useState(v?.selector.type === 'lv' ? v.selector.vg : '');
  const [lv, setLv] = useState(v?.selector.type === 'lv' ? v.selector.lv : '');
  const [preset, setPreset] = useState<Preset>(v ? 'custom' : 'daily');
  const [time, setTime] = useState('01:00');
  const [day, setDay] = useState(0);
  const [custom, setCustom] = useState(v?.schedule.cron ?? '0 1 * * *');
  const [timeZone, setTimeZone] = useState(v?.schedule.timeZone ?? defaultTimeZone);
  const [keeps, setKeeps] = useState<Record<string, string>>(
    Object.fromEntries(KEEPS.map((k) => [k, v?.retention[k] !== undefined ? String(v.retention[k]) : k === 'keepDaily' && !v ? '7' : ''])),
  );
  const snapshotAction = v?.action.type === 'snapshot' ? v.action : undefined;
  const backupAction = v?.action.type === 'backup' ? v.action : undefined;
  const [actionType, setActionType] = useState<'snapshot' | 'backup'>(v?.action.type ?? 'snapshot');
  const [lifetime, setLifetime] = useState(String(snapshotAction?.lifetimeMinutes ?? 1200));
  const [cowPercent, setCowPercent] = useState(String(snapshotAction?.cowPercent ?? 20));
  const [targetHost, setTargetHost] = useState(backupAction?.targetHost ?? '');
  const [format, setFormat] = useState<'qcow2' | 'raw'>(backupAction?.format ?? 'qcow2');
  const [consistency, setConsistency] = useState<PolicyInput['consistency']>(v?.consistency ?? 'auto');
  const [maxFill, setMaxFill] = useState(String(v?.maxFillPercent ?? 90));
  const [enabled, setEnabled] = useState(v?.enabled ?? true);
  const [note, setNote] = useState(v?.note ?? '');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const cron = presetCron(preset, time, day, custom);
  const retention = Object.fromEntries(KEEPS.filter((k) => keeps[k] !== '').map((k) => [k, Number(keeps[k])]));
  const body = {
    name,
    selector: selType === 'guest' ? { type: 'guest', host, guest } : selType === 'glob' ? { type: 'glob', host, pattern } : { type: 'lv', host, vg, lv },
    action:
      actionType === 'backup'
        ? { type: 'backup', format, ...(targetHost && targetHost !== host ? { targetHost } : {}) }
        : { type: 'snapshot', lifetimeMinutes: Number(lifetime), cowPercent: Number(cowPercent) },
    schedule: { cron, timeZone },
    retention,
    consistency,
    maxFillPercent: Number(maxFill),
    enabled,
    note,
  };
  const parsed = policyInput(false).safeParse(body);
  const problem = parsed.success ? null : formatZodError(parsed.error);
  const next = useMemo(() => nextRunTimes(cron, timeZone, 5, new Date(), false), [cron, timeZone]);
  // "What would be pruned": the next 40 runs of this schedule as a series, and what retention keeps of it.
  const preview = useMemo(() => {
    const items = nextRunTimes(cron, timeZone, 40, new Date(), false).map((d, i) => ({ id: String(i), time: d.getTime() }));
    const decisions = applyRetention(items, retention, timeZone);
    const kept = decisions.filter((d) => d.mark === 'keep');
    return { total: items.length, kept, items };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- retention is rebuilt each render; its JSON is the dependency
  }, [cron, timeZone, JSON.stringify(retention)]);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    if (problem) {
      setError(problem);
      return;
    }
    setSaving(true);
    const r = existing
      ? await send<{ policy: { id: number } }>('PUT', `/api/policies/${existing.id}`, parsed.data)
      : await send<{ policy: { id: number } }>('POST', '/api/policies', parsed.data);
    setSaving(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    router.push(`/policies/${r.data.policy.id}`);
    router.refresh();
  }

  return (
    <form onSubmit={(e) => void save(e)} className="grid gap-6 lg:grid-cols-2" aria-label="Policy">
      <fieldset className="space-y-3">
        <legend className="text-base font-semibold text-slate-900">What</legend>
        <label className={label}>
          Name
          <input className={input} value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label className={label}>
          Host
          <select className={input} value={host} onChange={(e) => setHost(e.target.value)}>
            {hosts.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name} ({h.id})
              </option>
            ))}
          </select>
        </label>
        <label className={label}>
          Selects
          <select className={input} value={selType} onChange={(e) => setSelType(e.target.value as typeof selType)}>
            <option value="guest">one guest (its LV-backed disks)</option>
            <option value="lv">one logical volume</option>
            <option value="glob">guests whose name matches a glob</option>
          </select>
        </label>
        {selType === 'guest' && (
          <label className={label}>
            Guest
            <input className={input} value={guest} onChange={(e) => setGuest(e.target.value)} />
          </label>
        )}
        {selType === 'glob' && (
          <label className={label}>
            Glob (letters, digits, . _ + - and the wildcards * ?)
            <input className={input} value={pattern} onChange={(e) => setPattern(e.target.value)} placeholder="web*" />
          </label>
        )}
        {selType === 'lv' && (
          <div className="grid grid-cols-2 gap-2">
            <label className={label}>
              Volume group
              <input className={input} value={vg} onChange={(e) => setVg(e.target.value)} />
            </label>
            <label className={label}>
              Logical volume
              <input className={input} value={lv} onChange={(e) => setLv(e.target.value)} />
            </label>
          </div>
        )}
        <label className={label}>
          Action
          <select className={input} value={actionType} onChange={(e) => setActionType(e.target.value as typeof actionType)}>
            <option value="snapshot">snapshot (thin: a series; classic: one with a lifetime)</option>
            <option value="backup">backup (a verified image file per run, pruned from the catalogue)</option>
          </select>
        </label>
        {actionType === 'backup' ? (
          <div className="rounded border border-slate-200 bg-slate-50 p-3 text-sm text-slate-700">
            <p>
              Each run backs up every selected volume (snapshot, copy, SHA-256 verification, snapshot removed) to the target host&apos;s backup
              directory. Retention prunes only the backups this policy made: never a manual or a protected backup.
            </p>
            <div className="mt-2 grid grid-cols-2 gap-2">
              <label className={label}>
                Target host
                <select className={input} value={targetHost || host} onChange={(e) => setTargetHost(e.target.value)}>
                  {hosts.map((h) => (
                    <option key={h.id} value={h.id}>
                      {h.id === host ? `${h.id} (the policy's host)` : `${h.id} (streamed through Cowherd)`}
                    </option>
                  ))}
                </select>
              </label>
              <label className={label}>
                Format
                <select className={input} value={format} onChange={(e) => setFormat(e.target.value as typeof format)}>
                  <option value="qcow2">qcow2, compressed</option>
                  <option value="raw">raw, sparse</option>
                </select>
              </label>
            </div>
          </div>
        ) : (
        <div className="rounded border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          <p>
            <strong>Thin volumes</strong> get a thin snapshot per run, kept by the retention below. <strong>Classic volumes</strong> get at most one
            policy snapshot at a time, removed after its lifetime: every write to a classic origin is copied into every one of its classic
            snapshots, so several of them multiply the cost of each write.
          </p>
          <div className="mt-2 grid grid-cols-2 gap-2">
            <label className={label}>
              Classic lifetime (minutes)
              <input className={input} type="number" min={1} value={lifetime} onChange={(e) => setLifetime(e.target.value)} />
            </label>
            <label className={label}>
              Classic COW area (% of the origin)
              <input className={input} type="number" min={1} max={100} value={cowPercent} onChange={(e) => setCowPercent(e.target.value)} />
            </label>
          </div>
        </div>
        )}
        <label className={label}>
          Consistency
          <select className={input} value={consistency} onChange={(e) => setConsistency(e.target.value as PolicyInput['consistency'])}>
            <option value="auto">auto (freeze with the guest agent, else suspend)</option>
            <option value="freeze">freeze file systems</option>
            <option value="suspend">suspend the guest</option>
            <option value="none">none (crash-consistent)</option>
          </select>
        </label>
        <label className={label}>
          Space guard: skip when the VG or thin pool is at least this full (%)
          <input className={input} type="number" min={1} max={100} value={maxFill} onChange={(e) => setMaxFill(e.target.value)} />
        </label>
        <label className={label}>
          Note
          <input className={input} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled
        </label>
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="text-base font-semibold text-slate-900">When and how long</legend>
        <label className={label}>
          Schedule
          <select className={input} value={preset} onChange={(e) => setPreset(e.target.value as Preset)}>
            <option value="hourly">hourly</option>
            <option value="daily">daily at HH:MM</option>
            <option value="weekly">weekly</option>
            <option value="custom">cron expression</option>
          </select>
        </label>
        {preset !== 'custom' && (
          <div className="grid grid-cols-2 gap-2">
            <label className={label}>
              {preset === 'hourly' ? 'At minute (HH:MM, hour ignored)' : 'At (HH:MM)'}
              <input className={input} type="time" value={time} onChange={(e) => setTime(e.target.value)} />
            </label>
            {preset === 'weekly' && (
              <label className={label}>
                On
                <select className={input} value={day} onChange={(e) => setDay(Number(e.target.value))}>
                  {DAYS.map((d, i) => (
                    <option key={d} value={i}>
                      {d}
                    </option>
                  ))}
                </select>
              </label>
            )}
          </div>
        )}
        <label className={label}>
          Cron (minute hour day month weekday)
          <input className={`${input} font-mono`} value={cron} readOnly={preset !== 'custom'} onChange={(e) => setCustom(e.target.value)} />
        </label>
        <label className={label}>
          Time zone (IANA)
          <input className={input} value={timeZone} onChange={(e) => setTimeZone(e.target.value)} />
        </label>
        <section aria-labelledby="next-runs" className="rounded bg-slate-50 p-3">
          <h3 id="next-runs" className="text-sm font-semibold text-slate-800">
            Next five runs
          </h3>
          {next.length ? (
            <ol className="mt-1 list-decimal pl-5 text-sm text-slate-700">
              {next.map((d) => (
                <li key={d.toISOString()}>
                  {formatDateTime(d, timeZone)} ({timeZone})
                </li>
              ))}
            </ol>
          ) : (
            <p className="text-sm text-red-700">No valid schedule.</p>
          )}
        </section>
        <div className="grid grid-cols-3 gap-2">
          {KEEPS.map((k) => (
            <label key={k} className={label}>
              {k.replace(/^keep/, 'keep-').toLowerCase()}
              <input className={input} type="number" min={0} value={keeps[k]} onChange={(e) => setKeeps({ ...keeps, [k]: e.target.value })} />
            </label>
          ))}
        </div>
        <section aria-labelledby="prune-preview" className="rounded bg-slate-50 p-3">
          <h3 id="prune-preview" className="text-sm font-semibold text-slate-800">
            What would be pruned
          </h3>
          <p className="text-sm text-slate-700">
            After the next {preview.total} runs, retention keeps {preview.kept.length} {actionType === 'backup' ? 'backup' : 'thin snapshot'}
            {preview.kept.length === 1 ? '' : 's'} per volume and prunes {preview.total - preview.kept.length} (protected ones are always kept and do
            not count).
          </p>
          <ul className="mt-1 max-h-40 overflow-auto text-xs text-slate-600">
            {preview.kept.map((d) => {
              const item = preview.items[Number(d.id)];
              return <li key={d.id}>{item ? `${formatDateTime(item.time, timeZone)}: ${d.reason}` : d.reason}</li>;
            })}
          </ul>
        </section>
      </fieldset>

      <div className="lg:col-span-2">
        {(error ?? problem) && (
          <p role="alert" className="mb-2 text-sm text-red-700">
            {error ?? problem}
          </p>
        )}
        <button type="submit" className={buttonClasses('primary')} disabled={saving}>
          {existing ? 'Save policy' : 'Create policy'}
        </button>
      </div>
    </form>
  );
}
