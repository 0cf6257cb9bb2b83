'use client';

import { useState } from 'react';
import { PlanReview } from '@/components/wizards/plan-review';
import { RefusalNotice } from '@/components/wizards/refusal-notice';
import { card, codeBlock, dangerButton, dd, dl, dt, hint, input, label, primaryButton, secondaryButton } from '@/components/wizards/styles';
import { useWizard } from '@/components/wizards/use-wizard';
import { FormButtons, ReviewButtons } from '@/components/wizards/wizard-buttons';
import { WizardShell } from '@/components/wizards/wizard-shell';
import { formatBytes } from '@/lib/format';
import type { MoveReview } from '@/lib/move/review';

export interface MoveWizardFacts {
  guest: { name: string; uuid: string; state: string; agent: boolean };
  /** The guest's LV disks (target name, VG, LV, size); other disks are listed by the review's preflight. */
  disks: { target: string; vg: string; lv: string; sizeBytes: number }[];
  /** The other configured hosts, with their directories a qcow2 file may go into. */
  targets: { id: string; name: string; backupDir: string; exportDir: string }[];
}

/** thinPool: a thin volume in that pool of the target VG (issue 14), written sparse. */
type Storage = { type: 'lv'; vg: string; name: string; thinPool?: string } | { type: 'qcow2'; dir: string };

/**
 * Move or copy a guest to another host (issue 14): the target, each disk's storage there, network mappings and
 * the mode; the review shows the preflight of both hosts, the exact commands and the XML diff; a move asks for the
 * guest's name. The job page then shows each disk's copy with bytes, throughput and ETA.
 */
export function MoveGuestWizard({ host, facts }: { host: string; facts: MoveWizardFacts }) {
  const wizard = useWizard(host);
  const g = facts.guest;
  const [target, setTarget] = useState(facts.targets[0]?.id ?? '');
  const [mode, setMode] = useState<'move' | 'copy'>('move');
  const [copyName, setCopyName] = useState(`${g.name}-copy`);
  const [storage, setStorage] = useState<Record<string, Storage>>(() =>
    Object.fromEntries(facts.disks.map((d) => [d.target, { type: 'lv', vg: d.vg, name: d.lv }])),
  );
  const [networks, setNetworks] = useState<{ from: string; to: string }[]>([]);
  const [timeoutS, setTimeoutS] = useState(120);
  const [forceOff, setForceOff] = useState(false);
  const [start, setStart] = useState(true);
  const [typed, setTyped] = useState('');
  const t = facts.targets.find((x) => x.id === target);

  const shell = (children: React.ReactNode) => (
    <WizardShell title="Move or copy to another host" host={host} target={g.name} step={wizard.step}>
      {children}
    </WizardShell>
  );

  if (wizard.plan) {
    const review = wizard.plan.params.review as MoveReview | undefined;
    return shell(
      <>
        {review ? <MoveReviewFacts review={review} /> : null}
        <PlanReview plan={wizard.plan} />
        <RefusalNotice refusal={wizard.refusal} />
        <ReviewButtons onBack={wizard.back} disabled={wizard.pending}>
          <button type="button" onClick={wizard.run} disabled={wizard.pending} className={mode === 'move' ? dangerButton : primaryButton}>
            {wizard.running ? 'Starting…' : mode === 'move' ? `Move ${g.name} to ${target}` : `Copy to ${target}`}
          </button>
        </ReviewButtons>
      </>,
    );
  }

  if (facts.targets.length === 0) {
    return shell(<p className={card}>Only one host is configured: add another host to move or copy guests to it.</p>);
  }

  const disks = storage;
  const nets = Object.fromEntries(networks.filter((n) => n.from && n.to).map((n) => [n.from, n.to]));
  const confirmed = mode === 'copy' || typed === g.name;
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!confirmed) return;
    if (mode === 'move') {
      wizard.review({ operation: 'move-guest', params: { domain: g.uuid, target, disks, networks: nets, shutdownTimeoutS: timeoutS, forceOff, start, confirmName: typed } });
    } else {
      wizard.review({ operation: 'copy-guest', params: { domain: g.uuid, target, disks, networks: nets, name: copyName } });
    }
  };
  const setDisk = (k: string, s: Storage) => setStorage((old) => ({ ...old, [k]: s }));

  return shell(
    <form onSubmit={submit} noValidate className="space-y-6">
      <section aria-label="Guest" className={card}>
        <dl className={dl}>
          <dt className={dt}>Guest</dt>
          <dd className={`${dd} font-mono`}>{g.name}</dd>
          <dt className={dt}>State</dt>
          <dd className={dd}>{g.state}</dd>
          <dt className={dt}>UUID</dt>
          <dd className={`${dd} font-mono text-xs`}>{g.uuid}</dd>
        </dl>
      </section>

      <section aria-label="Target and mode" className={`${card} grid gap-4 sm:grid-cols-2`}>
        <div>
          <label htmlFor="target" className={label}>Target host</label>
          <select id="target" value={target} onChange={(e) => setTarget(e.target.value)} className={input}>
            {facts.targets.map((x) => (
              <option key={x.id} value={x.id}>{x.name} ({x.id})</option>
            ))}
          </select>
        </div>
        <fieldset>
          <legend className={label}>Mode</legend>
          <div className="mt-1 space-y-1 text-sm">
            <label className="flex items-start gap-2">
              <input type="radio" name="mode" value="move" checked={mode === 'move'} onChange={() => setMode('move')} />
              <span><strong>Move</strong>: shut it down, copy, run it on {target}; kept shut off here with autostart disabled</span>
            </label>
            <label className="flex items-start gap-2">
              <input type="radio" name="mode" value="copy" checked={mode === 'copy'} onChange={() => setMode('copy')} />
              <span><strong>Copy</strong>: keeps running here; a clone from snapshots, new name, UUID and MACs, not started</span>
            </label>
          </div>
        </fieldset>
        {mode === 'copy' ? (
          <div className="sm:col-span-2">
            <label htmlFor="copy-name" className={label}>Name of the copy</label>
            <input id="copy-name" value={copyName} onChange={(e) => setCopyName(e.target.value)} className={`${input} font-mono`} />
          </div>
        ) : null}
      </section>

      <section aria-labelledby="disks-heading" className={`${card} space-y-4`}>
        <h2 id="disks-heading" className="text-sm font-semibold text-slate-900">Disks on {target}</h2>
        {facts.disks.map((d) => {
          const s = storage[d.target] ?? { type: 'lv', vg: d.vg, name: d.lv };
          return (
            <fieldset key={d.target} className="grid gap-3 border-t border-slate-100 pt-3 sm:grid-cols-3">
              <legend className="font-mono text-sm text-slate-800">
                {d.target}: {d.vg}/{d.lv} ({formatBytes(d.sizeBytes)})
              </legend>
              <div>
                <label htmlFor={`kind-${d.target}`} className={label}>Storage</label>
                <select
                  id={`kind-${d.target}`}
                  value={s.type === 'lv' && s.thinPool !== undefined ? 'thin' : s.type}
                  onChange={(e) =>
                    setDisk(
                      d.target,
                      e.target.value === 'lv'
                        ? { type: 'lv', vg: d.vg, name: d.lv }
                        : e.target.value === 'thin'
                          ? { type: 'lv', vg: d.vg, name: d.lv, thinPool: 'pool' }
                          : { type: 'qcow2', dir: t?.backupDir ?? '' },
                    )
                  }
                  className={input}
                >
                  <option value="lv">new logical volume</option>
                  <option value="thin">new thin logical volume</option>
                  <option value="qcow2">qcow2 file</option>
                </select>
              </div>
              {s.type === 'lv' ? (
                <>
                  <div>
                    <label htmlFor={`vg-${d.target}`} className={label}>Volume group</label>
                    <input id={`vg-${d.target}`} value={s.vg} onChange={(e) => setDisk(d.target, { ...s, vg: e.target.value })} className={`${input} font-mono`} />
                  </div>
                  <div>
                    <label htmlFor={`lv-${d.target}`} className={label}>LV name</label>
                    <input id={`lv-${d.target}`} value={s.name} onChange={(e) => setDisk(d.target, { ...s, name: e.target.value })} className={`${input} font-mono`} />
                  </div>
                  {s.thinPool !== undefined ? (
                    <div className="sm:col-start-2">
                      <label htmlFor={`pool-${d.target}`} className={label}>Thin pool in {s.vg || 'the VG'}</label>
                      <input id={`pool-${d.target}`} value={s.thinPool} onChange={(e) => setDisk(d.target, { ...s, thinPool: e.target.value })} className={`${input} font-mono`} />
                    </div>
                  ) : null}
                </>
              ) : (
                <div className="sm:col-span-2">
                  <label htmlFor={`dir-${d.target}`} className={label}>Directory</label>
                  <select id={`dir-${d.target}`} value={s.dir} onChange={(e) => setDisk(d.target, { type: 'qcow2', dir: e.target.value })} className={`${input} font-mono`}>
                    {t ? [t.backupDir, t.exportDir].filter((v, i, a) => a.indexOf(v) === i).map((dir) => <option key={dir} value={dir}>{dir}</option>) : null}
                  </select>
                </div>
              )}
            </fieldset>
          );
        })}
        <p className={hint}>
          Same size as the source; streamed through the Cowherd server and checked by SHA-256 on both hosts. A thin LV
          keeps zero blocks unmapped; the review checks the pool&apos;s free space.
        </p>
      </section>

      <section aria-labelledby="networks-heading" className={`${card} space-y-3`}>
        <h2 id="networks-heading" className="text-sm font-semibold text-slate-900">Network mapping</h2>
        <p className={hint}>Bridges, libvirt networks and devices keep their names unless mapped; the review says which ones {target} lacks.</p>
        {networks.map((n, i) => (
          <div key={i} className="grid grid-cols-[1fr_1fr_auto] items-end gap-2">
            <div>
              <label htmlFor={`net-from-${i}`} className={label}>On {host}</label>
              <input id={`net-from-${i}`} value={n.from} onChange={(e) => setNetworks(networks.map((x, j) => (j === i ? { ...x, from: e.target.value } : x)))} className={`${input} font-mono`} />
            </div>
            <div>
              <label htmlFor={`net-to-${i}`} className={label}>On {target}</label>
              <input id={`net-to-${i}`} value={n.to} onChange={(e) => setNetworks(networks.map((x, j) => (j === i ? { ...x, to: e.target.value } : x)))} className={`${input} font-mono`} />
            </div>
            <button type="button" className={secondaryButton} onClick={() => setNetworks(networks.filter((_, j) => j !== i))}>Remove</button>
          </div>
        ))}
        <button type="button" className={secondaryButton} onClick={() => setNetworks([...networks, { from: '', to: '' }])}>Add a mapping</button>
      </section>

      {mode === 'move' ? (
        <section aria-label="Shutdown" className={`${card} space-y-3`}>
          <div className="grid gap-4 sm:grid-cols-2">
            <div>
              <label htmlFor="timeout" className={label}>ACPI shutdown timeout (seconds)</label>
              <input id="timeout" type="number" min={5} max={3600} value={timeoutS} onChange={(e) => setTimeoutS(Number(e.target.value))} className={input} />
            </div>
            <div className="space-y-2 pt-6 text-sm">
              <label className="flex items-center gap-2">
                <input type="checkbox" checked={forceOff} onChange={(e) => setForceOff(e.target.checked)} />
                Power it off (virsh destroy) if it ignores the shutdown
              </label>
              <label className="flex items-center gap-2">
                <input type="checkbox" checked={start} onChange={(e) => setStart(e.target.checked)} />
                Start it on {target} if it is running now
              </label>
            </div>
          </div>
          <div>
            <label htmlFor="confirm-name" className={label}>
              Type <span className="font-mono font-semibold text-slate-900">{g.name}</span> to confirm the move
            </label>
            <input id="confirm-name" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" className={`${input} font-mono`} />
            <p className={hint}>{typed && !confirmed ? 'That is not the guest’s name yet.' : `${g.name} is shut down here and runs only on ${target} afterwards.`}</p>
          </div>
        </section>
      ) : null}

      <RefusalNotice refusal={wizard.refusal} />
      <FormButtons canReview={confirmed && !!target} reviewing={wizard.reviewing} cancelHref="/guests" />
    </form>,
  );
}

/** The disks and the XML diff of the review (the plan's params.review). */
function MoveReviewFacts({ review }: { review: MoveReview }) {
  return (
    <section aria-labelledby="move-facts-heading" className={`${card} space-y-4`}>
      <h2 id="move-facts-heading" className="text-lg font-semibold text-slate-900">
        {review.mode === 'move' ? 'Move' : 'Copy'} {review.guest} to {review.target}
        {review.mode === 'copy' ? ` as ${review.targetName}` : ''}
      </h2>
      <ul aria-label="Disks" className="list-disc space-y-1 pl-5 font-mono text-xs text-slate-700">
        {review.disks.map((d) => (
          <li key={d.target}>{d.what}</li>
        ))}
      </ul>
      <div>
        <h3 className="text-sm font-semibold text-slate-900">Domain XML on {review.target} (diff)</h3>
        <pre aria-label="XML diff" className={`mt-1 ${codeBlock}`}>
          {review.xmlDiff.split('\n').map((l, i) => (
            <span key={i} className={l.startsWith('+') && !l.startsWith('+++') ? 'text-emerald-300' : l.startsWith('-') && !l.startsWith('---') ? 'text-red-300' : undefined}>
              {l}
              {'\n'}
            </span>
          ))}
        </pre>
      </div>
    </section>
  );
}
