'use client';

import { useState } from 'react';
import { PlanReview } from '@/components/wizards/plan-review';
import { RefusalNotice } from '@/components/wizards/refusal-notice';
import { card, dangerButton, dd, dl, dt, input, label, primaryButton } from '@/components/wizards/styles';
import { useWizard } from '@/components/wizards/use-wizard';
import { FormButtons, ReviewButtons } from '@/components/wizards/wizard-buttons';
import { WizardShell } from '@/components/wizards/wizard-shell';
import type { BackupRecord } from '@/lib/backup/schemas';
import { formatBytes } from '@/lib/format';

export type BackupAction = 'restore' | 'verify' | 'delete';

const TITLES: Record<BackupAction, string> = { restore: 'Restore a backup', verify: 'Verify a backup', delete: 'Delete a backup' };

/**
 * Restore, verify or delete one backup of the catalogue (issue 11). Restore: to a new LV (the default, name
 * suggested) or over the original volume (typed name; a safety snapshot first when the VG has room).
 */
export function BackupActionWizard({
  host,
  action,
  backup,
  vgs,
  vgsByHost = { [host]: vgs },
}: {
  host: string;
  action: BackupAction;
  backup: BackupRecord;
  vgs: string[];
  /** The VGs of every configured host: a restore can write to another host than the one holding the file. */
  vgsByHost?: Record<string, string[]>;
}) {
  const wizard = useWizard(host);
  const fileName = backup.file.slice(backup.file.lastIndexOf('/') + 1);
  const [mode, setMode] = useState<'new' | 'overwrite'>('new');
  const [toHost, setToHost] = useState(host);
  const hostVgs = vgsByHost[toHost] ?? [];
  const [vg, setVg] = useState(vgs.includes(backup.vg) ? backup.vg : (vgs[0] ?? backup.vg));
  const pickHost = (id: string) => {
    setToHost(id);
    const list = vgsByHost[id] ?? [];
    setVg(list.includes(backup.vg) ? backup.vg : (list[0] ?? backup.vg));
  };
  const [name, setName] = useState(`${backup.lv.slice(0, 90)}_restored`);
  const [confirm, setConfirm] = useState('');
  const shell = (children: React.ReactNode) => (
    <WizardShell title={TITLES[action]} host={host} target={fileName} step={wizard.step}>
      {children}
    </WizardShell>
  );
  const destructive = action === 'delete' || (action === 'restore' && mode === 'overwrite');
  if (wizard.plan) {
    return shell(
      <>
        <PlanReview plan={wizard.plan} />
        <RefusalNotice refusal={wizard.refusal} />
        <ReviewButtons onBack={wizard.back} disabled={wizard.pending}>
          <button type="button" onClick={wizard.run} disabled={wizard.pending} className={destructive ? dangerButton : primaryButton}>
            {wizard.running ? 'Starting…' : action === 'restore' ? 'Restore' : action === 'verify' ? 'Verify' : 'Delete'}
          </button>
        </ReviewButtons>
      </>,
    );
  }
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (action === 'verify') wizard.review({ operation: 'verify-backup', params: { backupId: backup.id } });
    else if (action === 'delete') wizard.review({ operation: 'delete-backup', params: { backupId: backup.id, confirmName: confirm } });
    else if (mode === 'new') wizard.review({ operation: 'restore-backup', params: { backupId: backup.id, target: { ...(toHost !== host ? { host: toHost } : {}), vg, name } } });
    else wizard.review({ operation: 'restore-backup', params: { backupId: backup.id, target: { overwrite: true, confirmName: confirm } } });
  };
  const confirmWord = action === 'delete' ? fileName : backup.lv;
  return shell(
    <form onSubmit={submit} noValidate className="space-y-6">
      <section aria-label="Backup" className={card}>
        <dl className={dl}>
          <dt className={dt}>Volume</dt>
          <dd className={`${dd} font-mono`}>
            {backup.host}:{backup.vg}/{backup.lv}
            {backup.guestName ? <span className="font-sans text-slate-500"> (guest {backup.guestName})</span> : null}
          </dd>
          <dt className={dt}>Taken</dt>
          <dd className={dd}>{backup.createdAt.replace('T', ' ').slice(0, 19)} UTC, {backup.consistency}</dd>
          <dt className={dt}>File</dt>
          <dd className={`${dd} font-mono`}>{backup.file}</dd>
          <dt className={dt}>Size</dt>
          <dd className={dd}>
            {formatBytes(backup.logicalSizeBytes)} volume, {formatBytes(backup.sizeOnDiskBytes)} on disk ({backup.format})
          </dd>
          <dt className={dt}>SHA-256</dt>
          <dd className={`${dd} break-all font-mono text-xs`}>{backup.volumeSha256}</dd>
        </dl>
      </section>
      {action === 'restore' ? (
        <fieldset className={`${card} space-y-4`}>
          <legend className="sr-only">Where to restore</legend>
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" name="mode" checked={mode === 'new'} onChange={() => setMode('new')} /> To a new volume (the original is not touched)
          </label>
          {mode === 'new' ? (
            <div className="grid gap-4 pl-6 sm:grid-cols-3">
              <div>
                <label htmlFor="to-host" className={label}>
                  Host
                </label>
                <select id="to-host" value={toHost} onChange={(e) => pickHost(e.target.value)} className={input}>
                  {Object.keys(vgsByHost).map((id) => (
                    <option key={id} value={id}>
                      {id === host ? `${id} (holds the file)` : `${id} (streamed through Cowherd)`}
                    </option>
                  ))}
                </select>
              </div>
              <div>
                <label htmlFor="vg" className={label}>
                  Volume group
                </label>
                <select id="vg" value={vg} onChange={(e) => setVg(e.target.value)} className={input}>
                  {hostVgs.map((v) => (
                    <option key={v}>{v}</option>
                  ))}
                </select>
              </div>
              <div>
                <label htmlFor="name" className={label}>
                  New volume name
                </label>
                <input id="name" value={name} onChange={(e) => setName(e.target.value)} className={`${input} font-mono`} autoComplete="off" spellCheck={false} />
              </div>
            </div>
          ) : null}
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" name="mode" checked={mode === 'overwrite'} onChange={() => setMode('overwrite')} /> Over the original volume {backup.vg}/{backup.lv} (its guests must be shut off)
          </label>
        </fieldset>
      ) : null}
      {destructive ? (
        <section aria-label="Confirmation" className={card}>
          <label htmlFor="confirm" className={label}>
            Type {confirmWord} to confirm
          </label>
          <input id="confirm" value={confirm} onChange={(e) => setConfirm(e.target.value)} className={`${input} font-mono`} autoComplete="off" spellCheck={false} />
        </section>
      ) : null}
      <RefusalNotice refusal={wizard.refusal} />
      <FormButtons canReview={!destructive || confirm === confirmWord} reviewing={wizard.reviewing} cancelHref="/backups" />
    </form>,
  );
}
