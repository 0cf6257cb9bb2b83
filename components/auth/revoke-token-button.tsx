'use client';

import { useActionState } from 'react';
import { revokeTokenAction, type FormState } from './settings-actions';
import { dangerButtonClass, FormMessage } from './form-message';

const initial: FormState = { ok: false, error: null, message: null };

export function RevokeTokenButton({ id, name }: { id: number; name: string }) {
  const [state, action, pending] = useActionState(revokeTokenAction, initial);
  return (
    <form
      action={action}
      onSubmit={(e) => {
        if (!window.confirm(`Revoke the token ${name}? Clients using it are refused at once.`)) e.preventDefault();
      }}
      className="flex flex-col items-end gap-1"
    >
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending} className={dangerButtonClass}>
        Revoke<span className="sr-only"> token {name}</span>
      </button>
      {state.error ? <FormMessage state={state} /> : null}
    </form>
  );
}
