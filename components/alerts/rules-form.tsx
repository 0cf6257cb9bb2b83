'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Badge } from '@/components/ui/badge';
import { TableFrame, tdClass, thClass } from '@/components/ui/table';
import { primaryButton } from '@/components/wizards/styles';
import { RULE_INFO, type AlertRule, type Severity } from '@/lib/alerts/types';
import { alertsKey, sendJson } from './api';
import { FormStatus, NO_OUTCOME, type Outcome } from './form-status';

const small =
  'block rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 shadow-sm ' +
  'focus:border-emerald-600 focus:outline-none focus:ring-2 focus:ring-emerald-600/30 disabled:bg-slate-50';

/** The rules as a table; an admin edits them in place and saves them together. */
export function RulesForm({ rules, admin }: { rules: AlertRule[]; admin: boolean }) {
  const [draft, setDraft] = useState(() => rules.map((r) => ({ ...r, thresholdText: r.threshold === null ? '' : String(r.threshold) })));
  const [outcome, setOutcome] = useState<Outcome>(NO_OUTCOME);
  const [saving, setSaving] = useState(false);
  const qc = useQueryClient();

  const update = (i: number, patch: Partial<(typeof draft)[number]>) =>
    setDraft((d) => d.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  async function save(e: FormEvent) {
    e.preventDefault();
    setSaving(true);
    const body = {
      rules: draft.map((r) => ({
        id: r.id,
        enabled: r.enabled,
        severity: r.severity,
        ...(RULE_INFO[r.id].unit === null ? {} : { threshold: r.thresholdText.trim() === '' ? null : Number(r.thresholdText) }),
      })),
    };
    const res = await sendJson<{ rules: AlertRule[] }>('PUT', '/api/alerts/rules', body);
    setSaving(false);
    setOutcome(res.ok ? { error: null, message: 'Rules saved. They apply from the next poll.' } : { error: res.error, message: null });
    if (res.ok) await qc.invalidateQueries({ queryKey: alertsKey });
  }

  return (
    <form onSubmit={(e) => void save(e)} aria-label="Alert rules" className="space-y-3">
      <TableFrame caption="Alert rules">
        <thead>
          <tr>
            <th scope="col" className={thClass}>Rule</th>
            <th scope="col" className={thClass}>Enabled</th>
            <th scope="col" className={thClass}>Severity</th>
            <th scope="col" className={thClass}>Threshold</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {draft.map((r, i) => {
            const info = RULE_INFO[r.id];
            const id = `rule-${r.id}`;
            return (
              <tr key={r.id}>
                <td className={tdClass}>
                  <div id={`${id}-name`} className="font-medium text-slate-900">
                    {info.title}
                  </div>
                  <div className="text-xs text-slate-500">{info.description}</div>
                </td>
                <td className={tdClass}>
                  {admin ? (
                    <input
                      type="checkbox"
                      checked={r.enabled}
                      onChange={(e) => update(i, { enabled: e.target.checked })}
                      aria-label={`${info.title}: enabled`}
                      className="size-4 accent-emerald-700"
                    />
                  ) : (
                    <span>{r.enabled ? 'yes' : 'no'}</span>
                  )}
                </td>
                <td className={tdClass}>
                  {admin ? (
                    <select
                      value={r.severity}
                      onChange={(e) => update(i, { severity: e.target.value as Severity })}
                      aria-label={`${info.title}: severity`}
                      className={small}
                    >
                      <option value="warning">Warning</option>
                      <option value="critical">Critical</option>
                    </select>
                  ) : (
                    <Badge tone={r.severity === 'critical' ? 'red' : 'amber'}>{r.severity}</Badge>
                  )}
                </td>
                <td className={`${tdClass} whitespace-nowrap`}>
                  {info.unit === null ? (
                    <span className="text-slate-400">—</span>
                  ) : admin ? (
                    <span className="inline-flex items-center gap-2">
                      <input
                        type="number"
                        inputMode="decimal"
                        min={info.min}
                        max={info.max}
                        step={info.integer ? 1 : 'any'}
                        required
                        value={r.thresholdText}
                        onChange={(e) => update(i, { thresholdText: e.target.value })}
                        aria-label={`${info.title}: threshold in ${info.unit}`}
                        className={`${small} w-24`}
                      />
                      <span className="text-xs text-slate-500">{info.unit}</span>
                    </span>
                  ) : (
                    <span>
                      {r.threshold} {info.unit}
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </TableFrame>
      {admin && (
        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" disabled={saving} className={primaryButton}>
            {saving ? 'Saving…' : 'Save rules'}
          </button>
          <FormStatus {...outcome} />
        </div>
      )}
    </form>
  );
}
