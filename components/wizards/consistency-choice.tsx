'use client';

import * as RadioGroup from '@radix-ui/react-radio-group';
import type { InventoryDomain } from '@/lib/inventory/types';

export type Consistency = 'freeze' | 'suspend' | 'none';

/** The default for running guests: freeze when every guest's agent answers, else suspend/resume. */
export function defaultConsistency(running: InventoryDomain[]): Consistency {
  return running.length > 0 && running.every((d) => d.agent) ? 'freeze' : 'suspend';
}

const OPTIONS: { value: Consistency; title: string; explain: string }[] = [
  {
    value: 'freeze',
    title: 'Freeze file systems (guest agent)',
    explain: 'The guest agent flushes and freezes the file systems for the instant of the snapshot, so the snapshot is clean.',
  },
  {
    value: 'suspend',
    title: 'Suspend and resume the guest',
    explain: 'The guest is paused for the moment the snapshot takes (about a second) and resumed at once, even if the snapshot fails.',
  },
  {
    value: 'none',
    title: 'None (crash-consistent)',
    explain: 'The guest keeps running; the snapshot looks like a disk after a power cut, so recent writes may be incomplete.',
  },
];

/** How running guests are kept consistent while the snapshot is taken (a Radix radio group). */
export function ConsistencyChoice({
  running,
  value,
  onChange,
}: {
  running: InventoryDomain[];
  value: Consistency;
  onChange: (v: Consistency) => void;
}) {
  const names = running.map((d) => d.name).join(', ');
  const noAgent = running.filter((d) => !d.agent).map((d) => d.name);
  return (
    <fieldset>
      <legend id="consistency-legend" className="text-sm font-medium text-slate-700">
        Consistency of {names} (running)
      </legend>
      <RadioGroup.Root
        value={value}
        onValueChange={(v) => onChange(v as Consistency)}
        aria-labelledby="consistency-legend"
        className="mt-2 space-y-2"
      >
        {OPTIONS.map((o) => {
          const disabled = o.value === 'freeze' && noAgent.length > 0;
          const id = `consistency-${o.value}`;
          return (
            <div
              key={o.value}
              className={`flex gap-3 rounded-md p-3 ring-1 ${
                value === o.value && !disabled ? 'bg-emerald-50 ring-emerald-300' : 'ring-slate-200'
              } ${disabled ? 'opacity-70' : ''}`}
            >
              <RadioGroup.Item
                id={id}
                value={o.value}
                disabled={disabled}
                aria-describedby={`${id}-explain`}
                className="mt-0.5 flex size-4 shrink-0 items-center justify-center rounded-full border border-slate-400 bg-white focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 disabled:cursor-not-allowed data-[state=checked]:border-cow-700"
              >
                <RadioGroup.Indicator className="size-2 rounded-full bg-cow-700" />
              </RadioGroup.Item>
              <div>
                <label htmlFor={id} className={`text-sm font-medium ${disabled ? 'text-slate-500' : 'text-slate-900'}`}>
                  {o.title}
                </label>
                <p id={`${id}-explain`} className="text-xs text-slate-600">
                  {o.explain}
                  {disabled ? (
                    <span className="mt-1 block font-medium text-amber-800">
                      Not available: the guest agent of {noAgent.join(', ')} does not answer (guest-ping), so its file
                      systems cannot be frozen.
                    </span>
                  ) : null}
                </p>
              </div>
            </div>
          );
        })}
      </RadioGroup.Root>
    </fieldset>
  );
}
