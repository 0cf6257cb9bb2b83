import type { Refusal } from './actions';
import { CheckList } from './check-list';
import { alertBox } from './styles';

/** Why the server refused to plan or start the operation (validation, a failed preflight check, a busy VG). */
export function RefusalNotice({ refusal }: { refusal: Refusal | null }) {
  if (!refusal) return null;
  return (
    <div role="alert" className={`${alertBox} space-y-3`}>
      <p>
        <span className="font-semibold">Refused: </span>
        {refusal.error}
      </p>
      {refusal.preflight?.length ? (
        <div className="rounded bg-white/70 p-3">
          <CheckList checks={refusal.preflight} label="Preflight checks" />
        </div>
      ) : null}
    </div>
  );
}
