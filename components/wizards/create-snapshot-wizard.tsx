'use client';

import { useState } from 'react';
import type { InventoryLv } from '@/lib/inventory/types';
import type { HostInventoryResponse } from '@/lib/inventory/view';
import { findLvIn, lvKey } from '@/lib/lvm/model';
import { validateLvName } from '@/lib/lvm/names';
import { ConsistencyChoice, defaultConsistency, type Consistency } from './consistency-choice';
import { formatBytes, MiB } from '@/lib/format';
import { PlanReview } from './plan-review';
import { RefusalNotice } from './refusal-notice';
import { card, dangerButton, errorText, hint, infoBox, input, label, noteBox, primaryButton } from './styles';
import { useHostInventory } from './use-host-inventory';
import { useWizard } from './use-wizard';
import { FormButtons, ReviewButtons } from './wizard-buttons';
import { WizardShell } from './wizard-shell';

/** LVs a snapshot can be taken of (lib/ops/plans.ts accepts thin snapshots too; the picker keeps to these). */
const ORIGIN_KINDS: InventoryLv['kind'][] = ['plain', 'origin', 'thin-volume'];

const KIND_LABEL: Partial<Record<InventoryLv['kind'], string>> = {
  plain: 'plain',
  origin: 'has snapshots',
  'thin-volume': 'thin volume',
};

const key = lvKey;

export function CreateSnapshotWizard({
  host,
  initial,
  initialVg,
  initialOrigin,
  stamp,
}: {
  host: string;
  initial: HostInventoryResponse;
  initialVg?: string;
  initialOrigin?: string;
  /** YYYYMMDD-HHMM (UTC) for the default name, from the server so both renders agree. */
  stamp: string;
}) {
  const { data: inv } = useHostInventory(host, initial);
  const wizard = useWizard(host);

  const [sel, setSel] = useState<{ vg: string; origin: string } | null>(
    initialVg && initialOrigin ? { vg: initialVg, origin: initialOrigin } : null,
  );
  const [nameInput, setNameInput] = useState<string | null>(null);
  const [sizeInput, setSizeInput] = useState<string | null>(null);
  const [consistencyInput, setConsistency] = useState<Consistency | null>(null);

  const candidates = inv.lvs.filter((l) => !l.hidden && ORIGIN_KINDS.includes(l.kind));
  // The live inventory, else the one the page was rendered with (a slow read may arrive late; see pickLv).
  const origin = sel
    ? (candidates.find((l) => l.vg === sel.vg && l.name === sel.origin) ??
      initial.lvs.find((l) => !l.hidden && ORIGIN_KINDS.includes(l.kind) && l.vg === sel.vg && l.name === sel.origin))
    : undefined;
  const unknownOrigin = sel && !origin ? key(sel.vg, sel.origin) : null;
  const vg = origin ? inv.vgs.find((v) => v.name === origin.vg) : undefined;
  const thin = origin?.kind === 'thin-volume';
  const pool = thin && origin.pool ? findLvIn(inv.lvs, origin.vg, origin.pool) : undefined;

  const guests = origin ? inv.domains.filter((d) => d.disks.some((k) => k.vg === origin.vg && k.lv === origin.name)) : [];
  const running = guests.filter((d) => d.state === 'running');
  const agentOk = running.length > 0 && running.every((d) => d.agent);
  const consistency: Consistency =
    consistencyInput === null || (consistencyInput === 'freeze' && !agentOk) ? defaultConsistency(running) : consistencyInput;

  // Name: the default until the user edits it; LVM's rules (validateLvName) and uniqueness in the VG, live.
  const name = nameInput ?? (origin ? `${origin.name}_snap_${stamp}` : '');
  const nameError = !origin
    ? null
    : (validateLvName(name, origin.vg) ??
      (inv.lvs.some((l) => l.vg === origin.vg && l.name === name) ? `${origin.vg}/${name} already exists; choose another name.` : null));

  // Size (classic snapshots only): 20% of the origin by default, at most the VG's free space.
  const freeMiB = vg ? Math.floor(vg.freeBytes / MiB) : 0;
  const defaultMiB = origin ? Math.max(1, Math.ceil((origin.sizeBytes * 0.2) / MiB)) : 0;
  const sizeText = sizeInput ?? String(defaultMiB);
  const sizeMiB = /^\d+$/.test(sizeText.trim()) ? Number(sizeText.trim()) : NaN;
  const sizeError = thin || !origin
    ? null
    : !Number.isInteger(sizeMiB) || sizeMiB < 1
      ? 'Enter a whole number of MiB (at least 1).'
      : sizeMiB > freeMiB
        ? `Only ${freeMiB} MiB are free in ${origin.vg}; choose at most ${freeMiB} MiB.`
        : null;

  const canReview = !!origin && !!vg && !nameError && !sizeError;

  const choose = (value: string) => {
    const [v, ...rest] = value.split('/');
    const next = v && rest.length ? { vg: v, origin: rest.join('/') } : null;
    setSel(next);
    setSizeInput(null);
    setConsistency(null);
    // Keep the URL shareable (and reload-proof) without a server round trip.
    const url = new URL(window.location.href);
    if (next) {
      url.searchParams.set('vg', next.vg);
      url.searchParams.set('origin', next.origin);
    } else {
      url.searchParams.delete('vg');
      url.searchParams.delete('origin');
    }
    window.history.replaceState(null, '', url);
  };

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!canReview || !origin) return;
    wizard.review({
      operation: 'create-snapshot',
      params: {
        vg: origin.vg,
        origin: origin.name,
        name,
        ...(thin ? {} : { sizeBytes: sizeMiB * MiB }),
        consistency: running.length ? consistency : 'auto',
      },
    });
  };

  return (
    <WizardShell title="Create a snapshot" host={host} target={origin ? key(origin.vg, origin.name) : undefined} step={wizard.step}>
      {wizard.plan ? (
        <>
          <PlanReview plan={wizard.plan} />
          <RefusalNotice refusal={wizard.refusal} />
          <ReviewButtons onBack={wizard.back} disabled={wizard.pending}>
            <button
              type="button"
              onClick={wizard.run}
              disabled={wizard.pending || !canReview}
              className={wizard.plan.destructive ? dangerButton : primaryButton}
            >
              {wizard.running ? 'Starting…' : 'Run'}
            </button>
          </ReviewButtons>
        </>
      ) : (
        <form onSubmit={submit} noValidate className="space-y-6">
          <section aria-label="Snapshot settings" className={`${card} space-y-6`}>
            <div>
              <label htmlFor="origin" className={label}>
                Origin
              </label>
              <select
                id="origin"
                value={origin ? key(origin.vg, origin.name) : ''}
                onChange={(e) => choose(e.target.value)}
                className={input}
              >
                <option value="">Choose a logical volume…</option>
                {inv.vgs.map((g) => {
                  const lvs = candidates.filter((l) => l.vg === g.name);
                  if (!lvs.length) return null;
                  return (
                    <optgroup key={g.name} label={`${g.name} (${formatBytes(g.freeBytes)} free)`}>
                      {lvs.map((l) => {
                        const users = inv.domains.filter((d) => d.disks.some((k) => k.vg === l.vg && k.lv === l.name));
                        return (
                          <option key={l.uuid || key(l.vg, l.name)} value={key(l.vg, l.name)}>
                            {key(l.vg, l.name)} — {formatBytes(l.sizeBytes)}, {KIND_LABEL[l.kind] ?? l.kind}
                            {users.length ? `, disk of ${users.map((d) => d.name).join(', ')}` : ''}
                          </option>
                        );
                      })}
                    </optgroup>
                  );
                })}
              </select>
              {unknownOrigin ? (
                <p role="alert" className={errorText}>
                  {unknownOrigin} is not a logical volume on {host} that can be snapshotted; choose one above.
                </p>
              ) : null}
            </div>

            {origin ? (
              <>
                <div className={infoBox}>
                  {thin ? (
                    <p>
                      <span className="font-semibold">Thin snapshot</span> (automatic for a thin volume): it shares the
                      pool {origin.vg}/{origin.pool}
                      {pool?.dataPercent != null ? ` (${pool.dataPercent.toFixed(1)}% used)` : ''} and needs no size of
                      its own. It is created with LVM&apos;s skip-activation flag.
                    </p>
                  ) : (
                    <p>
                      <span className="font-semibold">Classic (COW) snapshot</span>: writes to {origin.vg}/{origin.name}{' '}
                      first copy the old data into the snapshot&apos;s own area, set aside from {origin.vg}&apos;s free
                      space. If that area fills up, the snapshot is lost.
                    </p>
                  )}
                  <p className="mt-1 text-slate-600">
                    Origin size {formatBytes(origin.sizeBytes)}
                    {guests.length
                      ? ` · disk of ${guests
                          .map((d) => `${d.name} (${d.state}${d.state === 'running' ? `, guest agent ${d.agent ? 'answers' : 'not answering'}` : ''})`)
                          .join(', ')}`
                      : ' · not a disk of any guest'}
                  </p>
                </div>

                {!thin ? (
                  <div>
                    <label htmlFor="size" className={label}>
                      COW area size (MiB)
                    </label>
                    <input
                      id="size"
                      inputMode="numeric"
                      type="number"
                      min={1}
                      max={freeMiB}
                      step={1}
                      value={sizeText}
                      onChange={(e) => setSizeInput(e.target.value)}
                      aria-invalid={sizeError ? true : undefined}
                      aria-describedby="size-hint size-error"
                      className={`${input} max-w-48`}
                    />
                    <p id="size-hint" className={hint}>
                      {vg ? `${formatBytes(vg.freeBytes)} free in ${vg.name} (${freeMiB} MiB). ` : ''}
                      Default: 20% of the origin ({defaultMiB} MiB). LVM rounds up to whole extents
                      {vg ? ` of ${formatBytes(vg.extentSizeBytes)}` : ''}.
                    </p>
                    {sizeError ? (
                      <p id="size-error" role="alert" className={errorText}>
                        {sizeError}
                      </p>
                    ) : null}
                  </div>
                ) : null}

                {running.length ? (
                  <ConsistencyChoice running={running} value={consistency} onChange={setConsistency} />
                ) : guests.length ? (
                  <p className={noteBox}>
                    {guests.map((d) => `${d.name} is ${d.state}`).join(', ')}: nothing to freeze or suspend; the
                    snapshot is taken as the disk is.
                  </p>
                ) : null}

                <div>
                  <label htmlFor="name" className={label}>
                    Snapshot name
                  </label>
                  <input
                    id="name"
                    value={name}
                    onChange={(e) => setNameInput(e.target.value)}
                    autoComplete="off"
                    spellCheck={false}
                    aria-invalid={nameError ? true : undefined}
                    aria-describedby="name-hint name-error"
                    className={`${input} font-mono`}
                  />
                  <p id="name-hint" className={hint}>
                    Letters, digits and + _ . - ; unique in {origin.vg}.
                  </p>
                  {nameError ? (
                    <p id="name-error" role="alert" className={errorText}>
                      {nameError}
                    </p>
                  ) : null}
                </div>
              </>
            ) : null}
          </section>
          <RefusalNotice refusal={wizard.refusal} />
          <FormButtons canReview={canReview} reviewing={wizard.reviewing} />
        </form>
      )}
    </WizardShell>
  );
}
