// Pure and client-safe: the Audit page's filter lists these, the server writes them.

/** Security events recorded in the audit log (operation column, kind 'security'). */
export const SECURITY_EVENTS = [
  'login-success',
  'login-failure',
  'login-lock',
  'user-create',
  'user-delete',
  'user-role',
  'user-password',
  'token-create',
  'token-revoke',
  'alert-rules-change',
  'alert-webhook-change',
  'alert-policy-change',
] as const;

export type SecurityEvent = (typeof SECURITY_EVENTS)[number];

export const SECURITY_EVENT_LABELS: Record<SecurityEvent, string> = {
  'login-success': 'Sign-in',
  'login-failure': 'Failed sign-in',
  'login-lock': 'Sign-in locked',
  'user-create': 'User created',
  'user-delete': 'User deleted',
  'user-role': 'Role changed',
  'user-password': 'Password changed',
  'token-create': 'Token created',
  'token-revoke': 'Token revoked',
  'alert-rules-change': 'Alert rules changed',
  'alert-webhook-change': 'Webhook changed',
  'alert-policy-change': 'Auto-extend policy changed',
};

export function isSecurityEvent(value: string): value is SecurityEvent {
  return (SECURITY_EVENTS as readonly string[]).includes(value);
}
