import Link from 'next/link';
import { alertBox } from './styles';

/** The host never answered (no inventory at all), so a wizard cannot offer anything. */
export function HostUnavailable({ host, error }: { host: string; error?: string }) {
  return (
    <div role="alert" className={`${alertBox} mx-auto max-w-3xl`}>
      <p className="font-semibold">Host {host} does not answer.</p>
      {error ? <p className="mt-1 font-mono text-xs">{error}</p> : null}
      <p className="mt-2">
        Nothing can be planned without a fresh read of the host. <Link href="/" className="underline">Back to the overview</Link>
      </p>
    </div>
  );
}

/** A wizard was opened for something that is not there (or cannot be operated on this way). */
export function NotApplicable({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div role="alert" className={`${alertBox} space-y-2`}>
      <p className="font-semibold">{title}</p>
      <div>{children}</div>
      <p>
        <Link href="/snapshots" className="underline">
          Back to the snapshots
        </Link>
      </p>
    </div>
  );
}
