'use client';

import { useState } from 'react';
import type { AutoextendResult } from '@/lib/lvm/lvmconfig';
import { CowBar } from '@/components/ui/cow-bar';
import type { HostInventoryResponse } from '@/lib/inventory/view';
import { formatBytes, formatHours, formatRate, MiB } from '@/lib/format';
import { timeToFull, trendNotReliable } from '@/lib/alerts/rules';
import { NotApplicable } from './host-unavailable';
import { pickLv } from './pick-lv';
import { PlanReview } from './plan-review';
import { RefusalNotice } from './refusal-notice';
import { StaleNote } from './stale-note';
import { card, dd, dl, dt, errorText, hint, infoBox, input, label, noteBox, primaryButton } from './styles';
import { useHostInventory } from './use-host-inventory';
import { useWizard } from './use-wizard';
import { FormButtons, ReviewButtons } from './wizard-buttons';
import { WizardShell } from './wizard-shell';

function AutoextendNote({ autoextend }: { autoextend: AutoextendResult }) {
  if (!autoextend.ok) {
    return (
      <p className={noteBox}>
        Could not read the host&apos;s auto-extension settings: <span className="font-mono text-xs">{autoextend.error}</span>
      </p>
    );
  }
  const { threshold, percent, monitoring } = autoextend.value;
  const off = threshold >= 100;
  return (
    <div className={off || !monitoring ? noteBox : infoBox}>
      <p>
        <span className="font-semibold">Automatic extension on this host: </span>
        {off
          ? 'off, so only you can grow a snapshot before it fills up.'
          : monitoring
            ? `on: a snapshot that passes ${threshold}% full grows by ${percent}% of its size.`
            : `configured (${threshold}% / +${percent}%), but monitoring is off, so dmeventd never triggers it.`}
      </p>
      <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-0.5 font-mono text-xs">
        <dt>activation/snapshot_autoextend_threshold</dt>
        <dd>{threshold}{off ? ' (100 = off)' : ''}</dd>
        <dt>activation/snapshot_autoextend_percent</dt>
        <dd>{percent}</dd>
        <dt>activation/monitoring</dt>
        <dd>{monitoring ? '1 (on)' : '0 (off)'}</dd>
      </dl>
    </div>
  );
}

export function ExtendSnapshotWizard({
  host,
  initial,
  vg: vgName,
  snapshot: snapName,
  autoextend,
}: {
  host: string;
  initial: HostInventoryResponse;
  vg: string;
  snapshot: string;
  autoextend: AutoextendResult;
}) {
  const { data: inv } = useHostInventory(host, initial);
  const wizard = useWizard(host);
  const [addInput, setAddInput] = useState<string | null>(null);

  const { lv: snap, stale } = pickLv(inv, initial, vgName, snapName);
  const vg = inv.vgs.find((v) => v.name === vgName) ?? initial.vgs.find((v) => v.name === vgName);
  const target = `${vgName}/${snapName}`;

  const shell = (children: React.ReactNode) => (
    <WizardShell title="Extend a snapshot" host={host} target={target} step={wizard.step}>
      {children}
    </WizardShell>
  );

  if (!snap || !vg) {
    return shell(<NotApplicable title={`${target} does not exist on ${host}`}>lvs does not list it (any more).</NotApplicable>);
  }
  if (snap.kind === 'thin-snapshot') {
    return shell(
      <NotApplicable title={`${target} is a thin snapshot`}>
        Thin snapshots have no COW area of their own; they use the free space of the pool {snap.vg}/{snap.pool}. Grow the
        pool instead.
      </NotApplicable>,
    );
  }
  if (snap.kind !== 'snapshot') {
    return shell(<NotApplicable title={`${target} is not a snapshot`}>Only a snapshot&apos;s COW area can be extended here.</NotApplicable>);
  }
  if (snap.invalid) {
    return shell(
      <NotApplicable title={`${target} is invalid`}>
        Its COW area filled up and LVM dropped it; growing it now does not bring it back. Remove it.
      </NotApplicable>,
    );
  }
  if (snap.merging) {
    return shell(<NotApplicable title={`${target} is being merged`}>A merging snapshot cannot be extended.</NotApplicable>);
  }

  const trend = inv.trends[snap.uuid];
  const freeMiB = Math.floor(vg.freeBytes / MiB);
  const defaultMiB = Math.min(freeMiB, Math.max(4, Math.ceil((snap.sizeBytes * 0.2) / MiB)));
  const addText = addInput ?? String(defaultMiB);
  const addMiB = /^\d+$/.test(addText.trim()) ? Number(addText.trim()) : NaN;
  const addError =
    freeMiB < 1
      ? `${vg.name} has no free space left; add a physical volume to it first.`
      : !Number.isInteger(addMiB) || addMiB < 1
        ? 'Enter a whole number of MiB (at least 1).'
        : addMiB > freeMiB
          ? `Only ${freeMiB} MiB are free in ${vg.name}; add at most ${freeMiB} MiB.`
          : null;

  const newSize = addError ? null : snap.sizeBytes + addMiB * MiB;
  const newSizeText =
    newSize === null
      ? null
      : `New size: about ${formatBytes(newSize)}` +
        (snap.cowPercent !== null ? `, then ${((snap.cowPercent * snap.sizeBytes) / newSize).toFixed(1)}% full.` : '.');

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (addError) return;
    wizard.review({ operation: 'extend-snapshot', params: { vg: vg.name, snapshot: snap.name, addBytes: addMiB * MiB } });
  };

  if (wizard.plan) {
    return shell(
      <>
        <PlanReview plan={wizard.plan} />
        <RefusalNotice refusal={wizard.refusal} />
        <ReviewButtons onBack={wizard.back} disabled={wizard.pending}>
          <button type="button" onClick={wizard.run} disabled={wizard.pending} className={primaryButton}>
            {wizard.running ? 'Starting…' : 'Run'}
          </button>
        </ReviewButtons>
      </>,
    );
  }

  return shell(
    <form onSubmit={submit} noValidate className="space-y-6">
      {stale ? <StaleNote host={host} target={target} /> : null}
      <section aria-label="Snapshot" className={`${card} space-y-4`}>
        <dl className={dl}>
          <dt className={dt}>Snapshot of</dt>
          <dd className={`${dd} font-mono`}>{snap.origin ? `${snap.vg}/${snap.origin}` : '—'}</dd>
          <dt className={dt}>Current size</dt>
          <dd className={dd}>{formatBytes(snap.sizeBytes)}</dd>
          <dt className={dt}>COW fill</dt>
          <dd className={dd}>
            <CowBar vg={snap.vg} snapshot={snap.name} percent={snap.cowPercent} invalid={snap.invalid} active={snap.active} />
          </dd>
          <dt className={dt}>Fill rate</dt>
          <dd className={dd}>
            {trend?.ratePerHour != null ? formatRate(trend.ratePerHour) : 'trend not yet reliable'}
          </dd>
          <dt className={dt}>Time to full</dt>
          <dd className={dd}>
            {timeToFull(snap, trend) !== null ? `about ${formatHours(timeToFull(snap, trend))}` : trendNotReliable(snap, trend) ? 'trend not yet reliable' : 'not filling up at the current rate'}
          </dd>
          <dt className={dt}>Free in {vg.name}</dt>
          <dd className={dd}>
            {formatBytes(vg.freeBytes)} ({freeMiB} MiB)
          </dd>
        </dl>
        <AutoextendNote autoextend={autoextend} />
      </section>

      <section aria-label="Extension" className={`${card} space-y-2`}>
        <label htmlFor="add" className={label}>
          Grow by (+MiB)
        </label>
        <div className="flex items-center gap-2">
          <span aria-hidden="true" className="mt-1 text-lg text-slate-500">
            +
          </span>
          <input
            id="add"
            type="number"
            inputMode="numeric"
            min={1}
            max={freeMiB}
            step={1}
            value={addText}
            onChange={(e) => setAddInput(e.target.value)}
            aria-invalid={addError ? true : undefined}
            aria-describedby="add-hint add-error"
            className={`${input} max-w-48`}
          />
          <span className="mt-1 text-sm text-slate-600">MiB</span>
        </div>
        <p id="add-hint" className={hint}>
          At most {freeMiB} MiB (the free space of {vg.name}).{newSizeText ? ` ${newSizeText}` : ''}
        </p>
        {addError ? (
          <p id="add-error" role="alert" className={errorText}>
            {addError}
          </p>
        ) : null}
      </section>
      <RefusalNotice refusal={wizard.refusal} />
      <FormButtons canReview={!addError} reviewing={wizard.reviewing} />
    </form>,
  );
}
