'use client';

import type { InventoryDomain } from '@/lib/inventory/types';
import { errorText, hint, input, label } from './styles';

/** How the guests that hold the origin open are stopped and started around a merge (lib/ops/merge.ts guestOptions). */
export interface GuestOptions {
  timeoutText: string;
  forceOff: boolean;
  startAgain: boolean;
}

export const DEFAULT_GUEST_OPTIONS: GuestOptions = { timeoutText: '120', forceOff: false, startAgain: true };

/** The same bounds as the server's schema (shutdownTimeoutS: 5..3600). */
export const TIMEOUT_MIN_S = 5;
export const TIMEOUT_MAX_S = 3600;

export function parseTimeout(text: string): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= TIMEOUT_MIN_S && n <= TIMEOUT_MAX_S ? n : null;
}

/** "web01", "web01 and db01", "a, b and c". */
export function guestNames(guests: InventoryDomain[]): string {
  const n = guests.map((g) => g.name);
  return n.length <= 1 ? (n[0] ?? '') : `${n.slice(0, -1).join(', ')} and ${n[n.length - 1] ?? ''}`;
}

/** The parameters the server takes for these options. */
export function guestParams(o: GuestOptions): { shutdownTimeoutS: number; forceOff: boolean; startAgain: boolean } | null {
  const t = parseTimeout(o.timeoutText);
  return t === null ? null : { shutdownTimeoutS: t, forceOff: o.forceOff, startAgain: o.startAgain };
}

/**
 * The shutdown options: the ACPI timeout, the separate consent to a forced power-off, and whether to start the
 * guests again. `vg`/`origin` name the volume being rolled back, so the other disks of a guest can be named when a
 * power-off would hit them.
 */
export function GuestShutdownOptions({
  id,
  guests,
  vg,
  origin,
  value,
  onChange,
}: {
  id: string;
  guests: InventoryDomain[];
  vg: string;
  origin: string;
  value: GuestOptions;
  onChange: (v: GuestOptions) => void;
}) {
  const names = guestNames(guests);
  const them = guests.length > 1 ? 'them' : 'it';
  const ignores = guests.length > 1 ? 'ignore' : 'ignores';
  const timeoutError =
    parseTimeout(value.timeoutText) === null ? `Enter a whole number of seconds from ${TIMEOUT_MIN_S} to ${TIMEOUT_MAX_S}.` : null;
  // Disks of these guests that the rollback does not replace: a forced power-off leaves them as after a power cut.
  const otherDisks = guests.flatMap((g) =>
    g.disks.filter((d) => !(d.vg === vg && d.lv === origin)).map((d) => `${g.name}: ${d.source ?? d.target}`),
  );
  return (
    <div className="space-y-4">
      <div>
        <label htmlFor={`${id}-timeout`} className={label}>
          ACPI shutdown timeout (seconds)
        </label>
        <input
          id={`${id}-timeout`}
          type="number"
          inputMode="numeric"
          min={TIMEOUT_MIN_S}
          max={TIMEOUT_MAX_S}
          step={1}
          value={value.timeoutText}
          onChange={(e) => onChange({ ...value, timeoutText: e.target.value })}
          aria-invalid={timeoutError ? true : undefined}
          aria-describedby={`${id}-timeout-hint${timeoutError ? ` ${id}-timeout-error` : ''}`}
          className={`${input} max-w-32`}
        />
        <p id={`${id}-timeout-hint`} className={hint}>
          Cowherd asks {names} to shut down (<span className="font-mono">virsh shutdown</span>, like pressing the power
          button) and waits this long for {them} to be shut off.
        </p>
        {timeoutError ? (
          <p id={`${id}-timeout-error`} role="alert" className={errorText}>
            {timeoutError}
          </p>
        ) : null}
      </div>

      <div className="flex gap-3">
        <input
          id={`${id}-force-off`}
          type="checkbox"
          checked={value.forceOff}
          onChange={(e) => onChange({ ...value, forceOff: e.target.checked })}
          aria-describedby={`${id}-force-off-explain`}
          className="mt-0.5 size-4 shrink-0 accent-red-700"
        />
        <div>
          <label htmlFor={`${id}-force-off`} className="text-sm font-medium text-slate-900">
            If {names} {ignores} the shutdown request, power {them} off (like pulling the plug)
          </label>
          <p id={`${id}-force-off-explain`} className="text-xs text-slate-600">
            After the timeout Cowherd runs <span className="font-mono">virsh destroy</span>: the guest stops at once,
            as after a power cut, and what it held in memory is gone. Its disk {vg}/{origin} is rolled back right
            after, so nothing is lost there that the rollback would keep.
            {otherDisks.length ? (
              <span className="mt-1 block font-medium text-amber-800">
                Other disks are left as after a power cut: {otherDisks.join(', ')}.
              </span>
            ) : null}{' '}
            Left unticked, a guest that is still running after the timeout stops the job before anything is merged,
            and the guest keeps running.
          </p>
        </div>
      </div>

      <div className="flex gap-3">
        <input
          id={`${id}-start-again`}
          type="checkbox"
          checked={value.startAgain}
          onChange={(e) => onChange({ ...value, startAgain: e.target.checked })}
          aria-describedby={`${id}-start-again-explain`}
          className="mt-0.5 size-4 shrink-0 accent-emerald-700"
        />
        <div>
          <label htmlFor={`${id}-start-again`} className="text-sm font-medium text-slate-900">
            Start {names} again afterwards
          </label>
          <p id={`${id}-start-again-explain`} className="text-xs text-slate-600">
            <span className="font-mono">virsh start</span> once the merge has finished; {names} then boot
            {guests.length > 1 ? '' : 's'} from the rolled-back disk.
          </p>
        </div>
      </div>
    </div>
  );
}
