/** Used when the server itself has no PATH (a bare service manager): where ssh, lvm and virsh live on Debian. */
export const FALLBACK_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The whole environment a host command gets. Built from nothing (execa's extendEnv: false) so that secrets in the
 * server's environment (COWHERD_ADMIN_PASSWORD, whatever a service manager adds) never reach ssh, lvm or virsh, nor,
 * through ssh's SendEnv, the remote host. Kept: PATH to find the tools, HOME for ssh's ~/.ssh, SSH_AUTH_SOCK for an
 * agent-held key. The C locale keeps messages in English (stderr is matched by the failure taxonomy); its UTF-8
 * variant lets names with non-ASCII bytes pass through unchanged.
 */
export function childEnv(parent: Record<string, string | undefined> = process.env): Record<string, string> {
  const out: Record<string, string> = {
    PATH: parent.PATH || FALLBACK_PATH,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
  };
  if (parent.HOME) out.HOME = parent.HOME;
  if (parent.SSH_AUTH_SOCK) out.SSH_AUTH_SOCK = parent.SSH_AUTH_SOCK;
  return out;
}
