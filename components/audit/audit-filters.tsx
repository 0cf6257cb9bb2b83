'use client';

import Form from 'next/form';

const select =
  'mt-1 block w-48 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ' +
  'focus:border-emerald-600 focus:outline-none focus:ring-2 focus:ring-emerald-600/30';

/**
 * Host and operation filters as URL search parameters (a GET form: the URL is shareable and the page works
 * without JavaScript; with it, changing a select applies the filter at once).
 */
export function AuditFilters({
  hosts,
  operations,
  events,
  kind,
  host,
  operation,
}: {
  hosts: { id: string; name: string }[];
  operations: { value: string; label: string }[];
  /** Security events (sign-ins, account and setting changes). */
  events: { value: string; label: string }[];
  kind?: 'command' | 'security';
  host?: string;
  operation?: string;
}) {
  return (
    <Form action="/audit" className="flex flex-wrap items-end gap-4" aria-label="Filter the audit log">
      <div>
        <label htmlFor="audit-kind" className="block text-sm font-medium text-slate-700">
          Kind
        </label>
        <select
          id="audit-kind"
          name="kind"
          defaultValue={kind ?? ''}
          onChange={(e) => e.currentTarget.form?.requestSubmit()}
          className={select}
        >
          <option value="">Everything</option>
          <option value="command">Commands on hosts</option>
          <option value="security">Security events</option>
        </select>
      </div>
      <div>
        <label htmlFor="audit-host" className="block text-sm font-medium text-slate-700">
          Host
        </label>
        <select
          id="audit-host"
          name="host"
          defaultValue={host ?? ''}
          onChange={(e) => e.currentTarget.form?.requestSubmit()}
          className={select}
        >
          <option value="">All hosts</option>
          {hosts.map((h) => (
            <option key={h.id} value={h.id}>
              {h.name === h.id ? h.id : `${h.name} (${h.id})`}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="audit-operation" className="block text-sm font-medium text-slate-700">
          Operation or event
        </label>
        <select
          id="audit-operation"
          name="operation"
          defaultValue={operation ?? ''}
          onChange={(e) => e.currentTarget.form?.requestSubmit()}
          className={select}
        >
          <option value="">All operations and events</option>
          <optgroup label="Operations">
            {operations.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </optgroup>
          <optgroup label="Security events">
            {events.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </optgroup>
        </select>
      </div>
      <noscript>
        <button type="submit" className="rounded-md px-3 py-2 text-sm ring-1 ring-slate-300">
          Apply
        </button>
      </noscript>
    </Form>
  );
}
