'use client';

import { useState } from 'react';
import { PlanReview } from '@/components/wizards/plan-review';
import { RefusalNotice } from '@/components/wizards/refusal-notice';
import { card, dd, dl, dt, input, label, primaryButton } from '@/components/wizards/styles';
import { useWizard } from '@/components/wizards/use-wizard';
import { FormButtons, ReviewButtons } from '@/components/wizards/wizard-buttons';
import { WizardShell } from '@/components/wizards/wizard-shell';
import { formatBytes } from '@/lib/format';

export interface BackupVolumeFacts {
  vg: string;
  lv: string;
  sizeBytes: number;
  guests: { name: string; state: string; agent: boolean }[];
  backupDir: string;
  /** Every configured host, with its backupDir: a backup can go to any of them (issue 11, between hosts). */
  hosts: { id: string; backupDir: string }[];
}

/**
 * Back up a volume (issue 11): choose the format and the consistency, review the exact commands (snapshot, copy,
 * verify, rename, remove), run; the job page shows the copy's bytes, throughput and ETA.
 */
export function BackupVolumeWizard({ host, facts }: { host: string; facts: BackupVolumeFacts }) {
  const wizard = useWizard(host);
  const [format, setFormat] = useState<'qcow2' | 'raw'>('qcow2');
  const [consistency, setConsistency] = useState<'auto' | 'freeze' | 'suspend' | 'none'>('auto');
  const [targetHost, setTargetHost] = useState(host);
  const targetDir = facts.hosts.find((h) => h.id === targetHost)?.backupDir ?? facts.backupDir;
  const target = `${facts.vg}/${facts.lv}`;
  const shell = (children: React.ReactNode) => (
    <WizardShell title="Back up a volume" host={host} target={target} step={wizard.step}>
      {children}
    </WizardShell>
  );
  if (wizard.plan) {
    return shell(
      <>
        <PlanReview plan={wizard.plan} />
        <RefusalNotice refusal={wizard.refusal} />
        <ReviewButtons onBack={wizard.back} disabled={wizard.pending}>
          <button type="button" onClick={wizard.run} disabled={wizard.pending} className={primaryButton}>
            {wizard.running ? 'Starting…' : 'Back up now'}
          </button>
        </ReviewButtons>
      </>,
    );
  }
  const running = facts.guests.filter((g) => g.state === 'running');
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const target = targetHost !== host ? { target: { host: targetHost } } : {};
    wizard.review({ operation: 'backup-volume', params: { vg: facts.vg, lv: facts.lv, format, consistency, ...target } });
  };
  return shell(
    <form onSubmit={submit} noValidate className="space-y-6">
      <section aria-label="Volume" className={card}>
        <dl className={dl}>
          <dt className={dt}>Volume</dt>
          <dd className={`${dd} font-mono`}>{target}</dd>
          <dt className={dt}>Size</dt>
          <dd className={dd}>{formatBytes(facts.sizeBytes)}</dd>
          <dt className={dt}>Guests</dt>
          <dd className={dd}>{facts.guests.length ? facts.guests.map((g) => `${g.name} (${g.state}${g.agent ? ', agent' : ''})`).join(', ') : 'none'}</dd>
          <dt className={dt}>Written to</dt>
          <dd className={`${dd} font-mono`}>
            {targetDir}/ <span className="font-sans text-slate-500">on host {targetHost}</span>
          </dd>
        </dl>
      </section>
      <section aria-label="Options" className={`${card} grid gap-4 sm:grid-cols-3`}>
        <div>
          <label htmlFor="target-host" className={label}>
            Target host
          </label>
          <select id="target-host" value={targetHost} onChange={(e) => setTargetHost(e.target.value)} className={input}>
            {facts.hosts.map((h) => (
              <option key={h.id} value={h.id}>
                {h.id === host ? `${h.id} (this host)` : `${h.id} (streamed through Cowherd)`}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="format" className={label}>
            Format
          </label>
          <select id="format" value={format} onChange={(e) => setFormat(e.target.value as 'qcow2' | 'raw')} className={input}>
            <option value="qcow2">qcow2, compressed (smaller; zero blocks not stored)</option>
            <option value="raw">raw (a dd-style image, sparse)</option>
          </select>
        </div>
        <div>
          <label htmlFor="consistency" className={label}>
            Consistency
          </label>
          <select id="consistency" value={consistency} onChange={(e) => setConsistency(e.target.value as typeof consistency)} className={input}>
            <option value="auto">automatic (freeze with the guest agent, else suspend)</option>
            <option value="freeze">freeze file systems (guest agent)</option>
            <option value="suspend">suspend the guest for the snapshot</option>
            <option value="none">none (crash-consistent)</option>
          </select>
        </div>
        <p className="text-xs text-slate-500 sm:col-span-3">
          {running.length
            ? `${running.map((g) => g.name).join(', ')} keeps running: only the moment of the snapshot is frozen or paused.`
            : 'No running guest uses this volume: the backup is consistent as it is.'}{' '}
          A snapshot is taken, copied, verified (SHA-256) and removed again, also when the copy fails.
          {targetHost !== host
            ? ` To ${targetHost} the bytes go raw through the Cowherd server (the hosts need no keys for each other)${format === 'qcow2' ? ' and are converted to qcow2 there' : ''}.`
            : ''}
        </p>
      </section>
      <RefusalNotice refusal={wizard.refusal} />
      <FormButtons canReview reviewing={wizard.reviewing} cancelHref="/backups" />
    </form>,
  );
}
