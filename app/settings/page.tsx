import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { ChangePasswordForm } from '@/components/auth/change-password-form';
import { CreateTokenForm } from '@/components/auth/create-token-form';
import { CreateUserForm } from '@/components/auth/create-user-form';
import { RevokeTokenButton } from '@/components/auth/revoke-token-button';
import { UserRowActions } from '@/components/auth/user-row-actions';
import { requirePageUser } from '@/lib/auth/guard';
import { ROLE_DESCRIPTIONS } from '@/lib/auth/roles';
import { listApiTokens } from '@/lib/auth/tokens';
import { listUsers } from '@/lib/auth/users';
import { db } from '@/lib/store/db';

export const metadata: Metadata = { title: 'Settings' };

function when(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : 'never';
}

function Card({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h2 id={id} className="mb-4 text-lg font-semibold text-slate-900">
        {title}
      </h2>
      {children}
    </section>
  );
}

const th = 'px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500';
const td = 'px-3 py-2 align-middle text-sm text-slate-700';

export default async function SettingsPage() {
  const me = await requirePageUser('viewer');
  const isAdmin = me.role === 'admin';
  const users = isAdmin ? listUsers(db()) : [];
  const tokens = isAdmin ? listApiTokens(db()) : [];

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Settings</h1>

      <Card title="Your account" id="account-heading">
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="font-medium text-slate-500">Username</dt>
          <dd className="text-slate-900">{me.username}</dd>
          <dt className="font-medium text-slate-500">Role</dt>
          <dd className="text-slate-900">
            <span className="rounded bg-emerald-50 px-1.5 py-0.5 font-medium text-emerald-800 ring-1 ring-emerald-200">
              {me.role}
            </span>{' '}
            <span className="text-slate-600">{ROLE_DESCRIPTIONS[me.role]}</span>
          </dd>
        </dl>
        {me.kind === 'session' && (
          <div className="mt-6 border-t border-slate-100 pt-6">
            <ChangePasswordForm username={me.username} />
          </div>
        )}
      </Card>

      {isAdmin && (
        <Card title="Users" id="users-heading">
          <div className="overflow-x-auto">
            <table className="min-w-full divide-y divide-slate-200">
              <thead>
                <tr>
                  <th scope="col" className={th}>Username</th>
                  <th scope="col" className={th}>Role</th>
                  <th scope="col" className={th}>Created</th>
                  <th scope="col" className={`${th} text-right`}>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {users.map((u) => (
                  <tr key={u.id}>
                    <td className={`${td} font-medium text-slate-900`}>
                      {u.username}
                      {u.id === me.userId && <span className="ml-2 text-xs text-slate-500">(you)</span>}
                    </td>
                    <td className={td}>{u.role}</td>
                    <td className={td}>{when(u.createdAt)}</td>
                    <td className={`${td} text-right`}>
                      {u.id !== me.userId && <UserRowActions id={u.id} username={u.username} role={u.role} />}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="mt-6 border-t border-slate-100 pt-6">
            <CreateUserForm />
          </div>
        </Card>
      )}

      {isAdmin && (
        <Card title="API tokens" id="tokens-heading">
          <p className="mb-4 text-sm text-slate-600">
            For scripts and monitoring: send <code className="font-mono text-xs">Authorization: Bearer &lt;token&gt;</code>.
            A token acts with its own role (never above its creator&apos;s), stops working when it expires, and is
            revoked when its creator is deleted or demoted.
          </p>
          {tokens.length === 0 ? (
            <p className="text-sm text-slate-500">No tokens yet.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="min-w-full divide-y divide-slate-200">
                <thead>
                  <tr>
                    <th scope="col" className={th}>Name</th>
                    <th scope="col" className={th}>Role</th>
                    <th scope="col" className={th}>Created by</th>
                    <th scope="col" className={th}>Created</th>
                    <th scope="col" className={th}>Expires</th>
                    <th scope="col" className={th}>Last used</th>
                    <th scope="col" className={`${th} text-right`}>
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {tokens.map((t) => (
                    <tr key={t.id}>
                      <td className={`${td} font-medium text-slate-900`}>
                        {t.name} <span className="font-normal text-slate-500">#{t.id}</span>
                      </td>
                      <td className={td}>{t.role}</td>
                      <td className={td}>{t.createdBy ?? '—'}</td>
                      <td className={td}>{when(t.createdAt)}</td>
                      <td className={td}>
                        {t.expired ? (
                          <span className="font-medium text-red-700">expired {when(t.expiresAt)}</span>
                        ) : (
                          when(t.expiresAt)
                        )}
                      </td>
                      <td className={td}>{when(t.lastUsedAt)}</td>
                      <td className={`${td} text-right`}>
                        <RevokeTokenButton id={t.id} name={t.name} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div className="mt-6 border-t border-slate-100 pt-6">
            <CreateTokenForm />
          </div>
        </Card>
      )}
    </div>
  );
}
