'use client';

import { useActionState } from 'react';
import { createUserAction, type FormState } from './settings-actions';
import { FormMessage, inputClass, primaryButtonClass } from './form-message';
import { RoleSelect } from './role-select';

const initial: FormState = { ok: false, error: null, message: null };

export function CreateUserForm() {
  const [state, action, pending] = useActionState(createUserAction, initial);
  return (
    <form action={action} className="space-y-3" aria-labelledby="create-user-heading">
      <h3 id="create-user-heading" className="text-sm font-semibold text-slate-900">
        Add a user
      </h3>
      <div className="grid gap-3 sm:grid-cols-3">
        <div>
          <label htmlFor="new-username" className="block text-sm font-medium text-slate-700">
            Username
          </label>
          <input
            id="new-username"
            name="username"
            required
            pattern="[a-z0-9._\-]{1,32}"
            maxLength={32}
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            aria-describedby="new-username-hint"
            className={inputClass}
          />
          <p id="new-username-hint" className="mt-1 text-xs text-slate-500">
            a-z, 0-9, dot, underscore, hyphen; up to 32
          </p>
        </div>
        <div>
          <label htmlFor="new-password" className="block text-sm font-medium text-slate-700">
            Initial password
          </label>
          <input
            id="new-password"
            name="password"
            type="password"
            required
            minLength={8}
            maxLength={1024}
            autoComplete="new-password"
            className={inputClass}
          />
          <p className="mt-1 text-xs text-slate-500">at least 8 characters</p>
        </div>
        <div>
          <label htmlFor="new-role" className="block text-sm font-medium text-slate-700">
            Role
          </label>
          <RoleSelect id="new-role" />
        </div>
      </div>
      <FormMessage state={state} />
      <button type="submit" disabled={pending} className={primaryButtonClass}>
        Create user
      </button>
    </form>
  );
}
