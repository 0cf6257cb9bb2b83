import { noteBox } from './styles';

/** The latest inventory read does not list the LV the wizard was opened for (see pickLv). */
export function StaleNote({ host, target }: { host: string; target: string }) {
  return (
    <p role="status" className={noteBox}>
      The latest read of {host} does not list {target}: it may have just been removed, or that read started before it
      was created. Review reads the host again and says which.
    </p>
  );
}
