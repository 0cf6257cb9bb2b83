/** The outcome of a save: errors are announced (role=alert), successes politely (role=status). */
export function FormStatus({ error, message }: { error: string | null; message: string | null }) {
  if (error) {
    return (
      <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
        {error}
      </p>
    );
  }
  if (message) {
    return (
      <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-emerald-200">
        {message}
      </p>
    );
  }
  return null;
}

export type Outcome = { error: string | null; message: string | null };
export const NO_OUTCOME: Outcome = { error: null, message: null };
