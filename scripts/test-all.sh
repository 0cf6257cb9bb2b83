#!/usr/bin/env bash
# `npm test`: everything CI runs. Lint, typecheck, unit tests (some against the lab), production build, e2e on the lab.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
step() { echo; echo "=== $* ($(($(date +%s) - t0))s)"; }

# Tools the tests use from Debian: promtool (package prometheus) checks /metrics and deploy/prometheus-rules.yml in
# the unit tests; systemd-analyze (package systemd) verifies deploy/cowherd.service in e2e/service.spec.ts. Installed
# here, before the lab's own apt-get runs in the background, so the two never wait for each other's lock.
need=()
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    step "installing ${need[*]} (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null ||
      { DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null; }
  else
    echo "missing: ${need[*]}: as root, apt-get install ${need[*]}" >&2; exit 2
  fi
fi

# A lab that was already running (someone's `npm run lab:up`, a demo) is reused as it is and left running afterwards;
# a lab this script boots is stopped at the end, whether the tests pass or fail, so that the VM and its port do not
# outlive the run. The boot (about 30 s under TCG) overlaps lint and typecheck.
mkdir -p .lab
lab_pid=""
lab2_pid=""
if bash lab/lab.sh status >/dev/null 2>&1; then
  step "lab: reusing the lab that was already running (it stays up after the tests)"
else
  step "lab:up (background; stopped again when this run ends)"
  bash lab/lab.sh up >.lab/lab-up.log 2>&1 &
  lab_pid=$!
  stop_lab() {
    local rc=$?
    # Let a boot still under way finish first, so that `down` finds the VM it would otherwise leave behind.
    wait "$lab_pid" 2>/dev/null || true
    [ -z "$lab2_pid" ] || wait "$lab2_pid" 2>/dev/null || true
    echo; echo "=== lab:down (started by this run)"
    bash lab/lab.sh down || true
    exit "$rc"
  }
  trap stop_lab EXIT
fi
# The second lab host (lab2, for the *.two-hosts.spec.ts specs) boots beside the first; `lab.sh down` above stops
# both. A lab2 that was already running is reused and left running.
if ! bash lab/lab.sh ssh2 true >/dev/null 2>&1; then
  step "lab2:up (background)"
  bash lab/lab.sh up2 >.lab/lab2-up.log 2>&1 &
  lab2_pid=$!
  [ -n "$lab_pid" ] || trap 'wait "$lab2_pid" 2>/dev/null || true; bash lab/lab.sh down2 || true' EXIT
fi
if [ -n "$lab_pid" ]; then
  trap 'exit 130' INT
  trap 'exit 143' TERM
fi

step lint
npm run lint
step typecheck
npm run typecheck
step "unit tests without the lab"
npx vitest run --exclude '**/*.lab.test.ts'

if [ -n "$lab_pid" ]; then
  step "waiting for the lab"
  if ! wait "$lab_pid"; then cat .lab/lab-up.log; echo "lab:up failed"; exit 1; fi
  cat .lab/lab-up.log
fi
if [ -n "$lab2_pid" ]; then
  step "waiting for lab2"
  if ! wait "$lab2_pid"; then cat .lab/lab2-up.log; echo "lab:up2 failed"; exit 1; fi
  lab2_pid=""
fi

step "unit tests against the lab"
npx vitest run .lab.test.ts
step build
npm run build
step "e2e (Playwright, Debian Chromium, on the lab) and the two-host specs beside it (on lab and lab2)"
rm -rf .lab/e2e-data .lab/e2e-two-hosts-data
# Side by side: the two-host run has its own server (port E2E_PORT+1) and data; its output goes to a log that is
# printed when it ends. Both are waited for; either failing fails the run.
npx playwright test -c playwright.two-hosts.config.ts >.lab/e2e-two-hosts.log 2>&1 &
two_pid=$!
main_rc=0
npx playwright test || main_rc=$?
two_rc=0
wait "$two_pid" || two_rc=$?
echo; echo "=== two-host e2e (exit $two_rc)"; cat .lab/e2e-two-hosts.log
[ "$main_rc" -eq 0 ] && [ "$two_rc" -eq 0 ] || { echo "e2e failed (main exit $main_rc, two-host exit $two_rc)"; exit 1; }
step "all tests passed in $(($(date +%s) - t0))s"
