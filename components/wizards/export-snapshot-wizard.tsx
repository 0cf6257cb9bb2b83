'use client';

import { useState } from 'react';
import type { HostInventoryResponse } from '@/lib/inventory/view';
import { formatBytes } from '@/lib/format';
import { findLvIn } from '@/lib/lvm/model';
import { exportFileName, fieldError } from '@/lib/ops/schemas';
import { NotApplicable } from './host-unavailable';
import { pickLv } from './pick-lv';
import { PlanReview } from './plan-review';
import { RefusalNotice } from './refusal-notice';
import { StaleNote } from './stale-note';
import { card, dd, dl, dt, errorText, hint, input, label, primaryButton } from './styles';
import { useHostInventory } from './use-host-inventory';
import { useWizard } from './use-wizard';
import { FormButtons, ReviewButtons } from './wizard-buttons';
import { WizardShell } from './wizard-shell';

/** Export a snapshot to a qcow2 file in the host's export directory (qemu-img convert, then qemu-img compare). */
export function ExportSnapshotWizard({
  host,
  initial,
  vg: vgName,
  snapshot: snapName,
  exportDir,
  defaultFile,
}: {
  host: string;
  initial: HostInventoryResponse;
  vg: string;
  snapshot: string;
  exportDir: string;
  defaultFile: string;
}) {
  const { data: inv } = useHostInventory(host, initial);
  const wizard = useWizard(host);
  const [file, setFile] = useState(defaultFile);
  const [compress, setCompress] = useState(false);

  const { lv: snap, stale } = pickLv(inv, initial, vgName, snapName);
  const target = `${vgName}/${snapName}`;
  const shell = (children: React.ReactNode) => (
    <WizardShell title="Export a snapshot" host={host} target={target} step={wizard.step}>
      {children}
    </WizardShell>
  );

  if (!snap) {
    return shell(<NotApplicable title={`${target} does not exist on ${host}`}>lvs does not list it (any more).</NotApplicable>);
  }
  if (snap.kind !== 'snapshot' && snap.kind !== 'thin-snapshot') {
    return shell(<NotApplicable title={`${target} is not a snapshot`}>Only snapshots are exported here.</NotApplicable>);
  }
  if (snap.invalid) {
    return shell(<NotApplicable title={`${target} is invalid`}>Its COW area filled up; it holds no data to export.</NotApplicable>);
  }
  if (snap.merging) {
    return shell(<NotApplicable title={`${target} is being merged`}>It cannot be exported while the merge runs.</NotApplicable>);
  }

  // The server's own schema: the same rule and the same words as the API's refusal.
  const fileError = fieldError(exportFileName, file);
  const dir = exportDir.replace(/\/+$/, '');

  if (wizard.plan) {
    return shell(
      <>
        <PlanReview plan={wizard.plan} />
        <RefusalNotice refusal={wizard.refusal} />
        <ReviewButtons onBack={wizard.back} disabled={wizard.pending}>
          <button type="button" onClick={wizard.run} disabled={wizard.pending || !!fileError} className={primaryButton}>
            {wizard.running ? 'Starting…' : 'Run'}
          </button>
        </ReviewButtons>
      </>,
    );
  }

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (fileError) return;
    wizard.review({ operation: 'export-snapshot', params: { vg: snap.vg, snapshot: snap.name, file, compress } });
  };

  return shell(
    <form onSubmit={submit} noValidate className="space-y-6">
      {stale ? <StaleNote host={host} target={target} /> : null}
      <section aria-label="Snapshot" className={card}>
        <dl className={dl}>
          <dt className={dt}>Snapshot of</dt>
          <dd className={`${dd} font-mono`}>{snap.origin ? `${snap.vg}/${snap.origin}` : '—'}</dd>
          <dt className={dt}>Data to read</dt>
          <dd className={dd}>
            {formatBytes(snap.kind === 'snapshot' && snap.origin
              ? (findLvIn(inv.lvs, snap.vg, snap.origin)?.sizeBytes ?? snap.sizeBytes)
              : snap.sizeBytes)}{' '}
            (the whole disk as it was when the snapshot was taken)
          </dd>
          <dt className={dt}>State</dt>
          <dd className={dd}>
            {snap.active ? 'active' : 'inactive: activated for the export and deactivated again afterwards'}
          </dd>
          <dt className={dt}>Export directory</dt>
          <dd className={`${dd} font-mono`}>
            {dir}/ <span className="font-sans text-slate-500">on host {host}</span>
          </dd>
        </dl>
      </section>

      <section aria-label="Export file" className={`${card} space-y-4`}>
        <div>
          <label htmlFor="file" className={label}>
            File name
          </label>
          <input
            id="file"
            value={file}
            onChange={(e) => setFile(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={fileError ? true : undefined}
            aria-describedby="file-hint file-error"
            className={`${input} font-mono`}
          />
          <p id="file-hint" className={hint}>
            Written to <span className="font-mono">{dir}/{fileError ? '…' : file}</span>; an existing file is never
            overwritten.
          </p>
          {fileError ? (
            <p id="file-error" role="alert" className={errorText}>
              {fileError}
            </p>
          ) : null}
        </div>
        <div className="flex items-start gap-3">
          <input
            id="compress"
            type="checkbox"
            checked={compress}
            onChange={(e) => setCompress(e.target.checked)}
            aria-describedby="compress-hint"
            className="mt-0.5 size-4 rounded border-slate-300 accent-cow-700"
          />
          <div>
            <label htmlFor="compress" className="text-sm font-medium text-slate-900">
              Compress
            </label>
            <p id="compress-hint" className="text-xs text-slate-600">
              qemu-img -c: a smaller file, but the export takes longer and uses more CPU on the host.
            </p>
          </div>
        </div>
        <p className="text-xs text-slate-500">
          The job page shows the progress of qemu-img convert; afterwards qemu-img compare checks the file against the
          snapshot.
        </p>
      </section>
      <RefusalNotice refusal={wizard.refusal} />
      <FormButtons canReview={!fileError} reviewing={wizard.reviewing} />
    </form>,
  );
}
