import { ROLES, type Role } from '@/lib/auth/roles';
import { inputClass } from './form-message';

export function RoleSelect({
  id,
  name = 'role',
  defaultValue = 'viewer',
  label,
  className = inputClass,
}: {
  id: string;
  name?: string;
  defaultValue?: Role;
  /** Accessible name when there is no visible <label for={id}>. */
  label?: string;
  className?: string;
}) {
  return (
    <select id={id} name={name} defaultValue={defaultValue} aria-label={label} className={className}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {r}
        </option>
      ))}
    </select>
  );
}
