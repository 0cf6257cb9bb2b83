'use client';

import { useActionState } from 'react';
import { changePasswordAction, type FormState } from './settings-actions';
import { FormMessage, inputClass, primaryButtonClass } from './form-message';

const initial: FormState = { ok: false, error: null, message: null };

export function ChangePasswordForm({ username }: { username: string }) {
  const [state, action, pending] = useActionState(changePasswordAction, initial);
  return (
    <form action={action} className="space-y-3" aria-labelledby="change-password-heading">
      <h3 id="change-password-heading" className="text-sm font-semibold text-slate-900">
        Change password
      </h3>
      {/* For password managers: which account this is. */}
      <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />
      <div className="grid gap-3 sm:grid-cols-3">
        <div>
          <label htmlFor="current-password" className="block text-sm font-medium text-slate-700">
            Current password
          </label>
          <input id="current-password" name="current" type="password" required autoComplete="current-password" className={inputClass} />
        </div>
        <div>
          <label htmlFor="next-password" className="block text-sm font-medium text-slate-700">
            New password
          </label>
          <input
            id="next-password"
            name="next"
            type="password"
            required
            minLength={8}
            maxLength={1024}
            autoComplete="new-password"
            className={inputClass}
          />
        </div>
        <div>
          <label htmlFor="confirm-password" className="block text-sm font-medium text-slate-700">
            Confirm password
          </label>
          <input
            id="confirm-password"
            name="confirm"
            type="password"
            required
            minLength={8}
            maxLength={1024}
            autoComplete="new-password"
            className={inputClass}
          />
        </div>
      </div>
      <FormMessage state={state} />
      <button type="submit" disabled={pending} className={primaryButtonClass}>
        Change password
      </button>
    </form>
  );
}
