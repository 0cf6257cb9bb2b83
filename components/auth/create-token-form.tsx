'use client';

import { useActionState, useState } from 'react';
import { createTokenAction, type TokenFormState } from './settings-actions';
import { FormMessage, inputClass, primaryButtonClass, secondaryButtonClass } from './form-message';
import { RoleSelect } from './role-select';
import { DEFAULT_TOKEN_EXPIRY_DAYS, TOKEN_EXPIRY_DAYS } from '@/lib/auth/constants';

const initial: TokenFormState = { ok: false, error: null, message: null, created: null };

export function CreateTokenForm() {
  const [state, action, pending] = useActionState(createTokenAction, initial);
  return (
    <div className="space-y-4">
      <form action={action} className="space-y-3" aria-labelledby="create-token-heading">
        <h3 id="create-token-heading" className="text-sm font-semibold text-slate-900">
          Create an API token
        </h3>
        <div className="grid gap-3 sm:grid-cols-4">
          <div className="sm:col-span-2">
            <label htmlFor="token-name" className="block text-sm font-medium text-slate-700">
              Token name
            </label>
            <input
              id="token-name"
              name="name"
              required
              maxLength={64}
              placeholder="e.g. backup-cron"
              autoComplete="off"
              className={inputClass}
            />
          </div>
          <div>
            <label htmlFor="token-role" className="block text-sm font-medium text-slate-700">
              Token role
            </label>
            <RoleSelect id="token-role" />
          </div>
          <div>
            <label htmlFor="token-expiry" className="block text-sm font-medium text-slate-700">
              Expires after
            </label>
            <select id="token-expiry" name="expiresInDays" defaultValue={DEFAULT_TOKEN_EXPIRY_DAYS} className={inputClass}>
              {TOKEN_EXPIRY_DAYS.map((d) => (
                <option key={d} value={d}>
                  {d} days
                </option>
              ))}
            </select>
          </div>
        </div>
        {state.created ? null : <FormMessage state={state} />}
        <button type="submit" disabled={pending} className={primaryButtonClass}>
          Create token
        </button>
      </form>
      {state.created && <NewToken key={state.created.id} token={state.created.token} name={state.created.name} />}
    </div>
  );
}

function NewToken({ token, name }: { token: string; name: string }) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  return (
    <div role="status" className="space-y-2 rounded-md bg-amber-50 p-4 ring-1 ring-amber-200">
      <p className="text-sm font-medium text-amber-900">
        Token {name} created. Copy it now: it is shown only once and cannot be recovered.
      </p>
      <div className="flex gap-2">
        <label htmlFor="new-token" className="sr-only">
          New API token
        </label>
        <input
          id="new-token"
          readOnly
          value={token}
          onFocus={(e) => e.currentTarget.select()}
          className="block w-full rounded-md border border-amber-300 bg-white px-3 py-2 font-mono text-sm text-slate-900"
        />
        <button
          type="button"
          className={secondaryButtonClass}
          onClick={() => {
            navigator.clipboard.writeText(token).then(
              () => setCopied('yes'),
              () => setCopied('failed'),
            );
          }}
        >
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
      </div>
      {copied === 'failed' && <p className="text-xs text-amber-900">Copying failed: select the token and copy it.</p>}
      <p className="text-xs text-amber-900">
        Send it as <code className="font-mono">Authorization: Bearer {'<token>'}</code>.
      </p>
    </div>
  );
}
