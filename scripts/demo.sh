#!/usr/bin/env bash
# `npm run demo`: install what is missing, boot the lab, build and serve Cowherd on http://127.0.0.1:3000 pointed at it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/next ] || npm ci --no-fund --no-audit
bash lab/lab.sh up
# With the second lab host up (COWHERD_LAB_HOSTS=2 npm run demo, or lab.sh up2), the demo lists both hosts.
if [ "${COWHERD_LAB_HOSTS:-1}" -ge 2 ]; then bash lab/lab.sh up2; fi
if [ -z "${COWHERD_CONFIG:-}" ] && bash lab/lab.sh ssh2 true >/dev/null 2>&1; then
  COWHERD_CONFIG=${COWHERD_LAB_DIR:-$PWD/.lab}/cowherd.two-hosts.config.json
fi
export COWHERD_CONFIG=${COWHERD_CONFIG:-${COWHERD_LAB_DIR:-$PWD/.lab}/cowherd.config.json}
export COWHERD_DATA_DIR=${COWHERD_DATA_DIR:-$PWD/.lab/demo-data}
export PORT=${PORT:-3000}
# The admin password is made once and kept with the demo's data, so a second run prints the same one.
mkdir -p "$COWHERD_DATA_DIR"
if [ -z "${COWHERD_ADMIN_PASSWORD:-}" ]; then
  [ -f "$COWHERD_DATA_DIR/admin-password" ] || (umask 077; head -c 12 /dev/urandom | base64 | tr -d '/+=' >"$COWHERD_DATA_DIR/admin-password")
  COWHERD_ADMIN_PASSWORD=$(cat "$COWHERD_DATA_DIR/admin-password")
  export COWHERD_ADMIN_PASSWORD
fi
if [ ! -f .next/BUILD_ID ] || [ -n "$(find app components lib next.config.js package.json -newer .next/BUILD_ID -print -quit)" ]; then
  npm run build
fi
cat <<EOT

  Cowherd is starting on http://127.0.0.1:$PORT (the lab VM: vg0, vg1, guests web01 and db01)
  Sign in as:  admin / $COWHERD_ADMIN_PASSWORD
  From another machine: ssh -L $PORT:127.0.0.1:$PORT root@this-host, then open http://127.0.0.1:$PORT
  Stop with Ctrl-C; stop the lab with: npm run lab:down

EOT
exec npm start
