#!/usr/bin/env bash
# npm run service:install [-- --no-build] [-- --no-start]     (as root)
#
# Installs Cowherd as the unprivileged service of deploy/cowherd.service:
#   1. a system user and group `cowherd` (no shell, no home of its own);
#   2. the build (npm ci && npm run build here), copied to $PREFIX (default /opt/cowherd): owned by root, readable
#      by the service, writable by nobody else; development packages pruned;
#   3. $ETC (default /etc/cowherd, 0750 root:cowherd): the hosts file, an environment file with a generated first
#      admin password (printed once), and an ssh key for the hosts (0600, owned by cowherd), each made only if absent;
#   4. the unit in $UNIT_DIR (default /etc/systemd/system), enabled and started when systemd runs this machine.
# Everything it changes is printed. Paths can be moved for tests: COWHERD_PREFIX, COWHERD_ETC, COWHERD_UNIT_DIR.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=${COWHERD_PREFIX:-/opt/cowherd}
ETC=${COWHERD_ETC:-/etc/cowherd}
UNIT_DIR=${COWHERD_UNIT_DIR:-/etc/systemd/system}
USER_NAME=cowherd
build=1 start=1
for a in "$@"; do
  case $a in
    --no-build) build=0 ;;
    --no-start) start=0 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "service:install: unknown option $a" >&2; exit 2 ;;
  esac
done
say() { echo "service:install: $*"; }
die() { echo "service:install: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (it creates a system user and installs a systemd unit)"
case $PREFIX$ETC$UNIT_DIR in *[!A-Za-z0-9/._-]*) die "install paths may hold only A-Z a-z 0-9 / . _ -";; esac

# 1. The user.
if ! getent passwd "$USER_NAME" >/dev/null; then
  useradd --system --user-group --home-dir /var/lib/cowherd --no-create-home --shell /usr/sbin/nologin \
    --comment "Cowherd web dashboard" "$USER_NAME"
  say "created system user $USER_NAME"
else
  say "system user $USER_NAME exists"
fi

# 2. The application.
if [ "$build" = 1 ]; then
  say "building in $SRC (npm ci, npm run build)"
  (cd "$SRC" && npm ci --no-fund --no-audit && npm run build)
fi
dist=${COWHERD_DIST_DIR:-.next}
[ -f "$SRC/$dist/BUILD_ID" ] || die "no production build in $SRC/$dist: run without --no-build"
mkdir -p "$PREFIX"
tmp=$(mktemp -d "$(dirname "$PREFIX")/.cowherd-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Only what `npm start` needs; never the lab, the data, test output or git.
(cd "$SRC" && tar -cf - --exclude=./.lab --exclude=./data --exclude=./test-results --exclude=./playwright-report \
  --exclude=./screenshots --exclude=./.git --exclude="./$dist/cache" \
  package.json package-lock.json next.config.js tsconfig.json app components lib public scripts deploy README.md \
  node_modules "$dist") | (cd "$tmp" && tar -xf -)
[ "$dist" = .next ] || mv "$tmp/$dist" "$tmp/.next"
(cd "$tmp" && npm prune --omit=dev --no-fund --no-audit >/dev/null 2>&1) || say "npm prune failed; development packages stay"
chown -R root:root "$tmp"
chmod -R u+rwX,go+rX,go-w "$tmp"
rm -rf "$PREFIX.old"
[ -z "$(ls -A "$PREFIX")" ] || mv "$PREFIX" "$PREFIX.old"
rmdir "$PREFIX" 2>/dev/null || true
mv "$tmp" "$PREFIX"
trap - EXIT
rm -rf "$PREFIX.old"
say "installed the build in $PREFIX (root:root, read-only to $USER_NAME)"

# 3. Configuration, secrets and the ssh key: made once, never overwritten.
install -d -m 0750 -o root -g "$USER_NAME" "$ETC"
if [ ! -f "$ETC/id_ed25519" ]; then
  ssh-keygen -q -t ed25519 -N '' -C "cowherd@$(hostname)" -f "$ETC/id_ed25519"
  say "made the ssh key $ETC/id_ed25519 (for the hosts' authorized_keys: $ETC/id_ed25519.pub)"
fi
chown "$USER_NAME:$USER_NAME" "$ETC/id_ed25519" "$ETC/id_ed25519.pub"
chmod 0600 "$ETC/id_ed25519"
[ -f "$ETC/known_hosts" ] || { install -m 0644 /dev/null "$ETC/known_hosts"; say "made $ETC/known_hosts (add each host: ssh-keyscan HOST >> $ETC/known_hosts, then check the fingerprint)"; }
if [ ! -f "$ETC/cowherd.config.json" ]; then
  cat >"$ETC/cowherd.config.json" <<EOT
{
  "hosts": [
    {
      "id": "local",
      "name": "$(hostname)",
      "ssh": { "host": "127.0.0.1", "port": 22, "user": "root", "identityFile": "$ETC/id_ed25519", "knownHostsFile": "$ETC/known_hosts" }
    }
  ]
}
EOT
  say "made $ETC/cowherd.config.json (this machine over ssh to itself; add your KVM hosts there)"
fi
chown root:"$USER_NAME" "$ETC/cowherd.config.json"
chmod 0640 "$ETC/cowherd.config.json"
if [ ! -f "$ETC/cowherd.env" ]; then
  pw=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  umask 027
  printf '%s\n' "# Read by cowherd.service (EnvironmentFile). The first start creates the user admin with this password." \
    "COWHERD_ADMIN_PASSWORD=$pw" "# COWHERD_SECURE_COOKIES=1       # behind TLS (see README: Behind a TLS reverse proxy)" \
    "# COWHERD_TRUSTED_PROXIES=127.0.0.1" >"$ETC/cowherd.env"
  umask 022
  say "made $ETC/cowherd.env; the first admin password is: $pw"
fi
chown root:"$USER_NAME" "$ETC/cowherd.env"
chmod 0640 "$ETC/cowherd.env"

# 4. The unit.
sed -e "s|/opt/cowherd|$PREFIX|g" -e "s|/etc/cowherd|$ETC|g" "$SRC/deploy/cowherd.service" >"$UNIT_DIR/cowherd.service.tmp"
chmod 0644 "$UNIT_DIR/cowherd.service.tmp"
mv "$UNIT_DIR/cowherd.service.tmp" "$UNIT_DIR/cowherd.service"
say "installed $UNIT_DIR/cowherd.service"
if [ "$start" = 1 ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable --now cowherd.service
  say "cowherd.service enabled and started: systemctl status cowherd; journalctl -u cowherd"
else
  say "not started (systemd is not running this machine, or --no-start): systemctl daemon-reload && systemctl enable --now cowherd"
fi
say "next: on every host, authorize $ETC/id_ed25519.pub (README: Production), then open http://127.0.0.1:3000"
