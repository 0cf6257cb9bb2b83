'use client';

import { useActionState } from 'react';
import { deleteUserAction, setUserRoleAction, type FormState } from './settings-actions';
import type { Role } from '@/lib/auth/roles';
import { dangerButtonClass, FormMessage, secondaryButtonClass } from './form-message';
import { RoleSelect } from './role-select';

const initial: FormState = { ok: false, error: null, message: null };

/** Change role and delete, for one row of the users table (not shown for the admin's own row). */
export function UserRowActions({ id, username, role }: { id: number; username: string; role: Role }) {
  const [roleState, roleAction, rolePending] = useActionState(setUserRoleAction, initial);
  const [deleteState, deleteAction, deletePending] = useActionState(deleteUserAction, initial);
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex flex-wrap items-center justify-end gap-2">
        <form action={roleAction} className="flex items-center gap-2">
          <input type="hidden" name="id" value={id} />
          <RoleSelect
            id={`role-${id}`}
            defaultValue={role}
            label={`Role of ${username}`}
            className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
          />
          <button type="submit" disabled={rolePending} className={secondaryButtonClass}>
            Change role<span className="sr-only"> of {username}</span>
          </button>
        </form>
        <form
          action={deleteAction}
          onSubmit={(e) => {
            if (!window.confirm(`Delete the user ${username}? Their sessions end at once.`)) e.preventDefault();
          }}
        >
          <input type="hidden" name="id" value={id} />
          <button type="submit" disabled={deletePending} className={dangerButtonClass}>
            Delete<span className="sr-only"> user {username}</span>
          </button>
        </form>
      </div>
      {roleState.error || roleState.message ? <FormMessage state={roleState} /> : null}
      {deleteState.error ? <FormMessage state={deleteState} /> : null}
    </div>
  );
}
