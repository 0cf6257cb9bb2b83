#!/usr/bin/env bash
# `npm test`: everything CI runs. Lint, typecheck, unit tests (some against the lab), production build, e2e on the lab.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
step() { echo; echo "=== $* ($(($(date +%s) - t0))s)"; }

# The lab boots (about 30 s under TCG) while lint and typecheck run.
step "lab:up (background)"
mkdir -p .lab
bash lab/lab.sh up >.lab/lab-up.log 2>&1 &
lab_pid=$!

step lint
npm run lint
step typecheck
npm run typecheck
step "unit tests without the lab"
npx vitest run --exclude '**/*.lab.test.ts'

step "waiting for the lab"
if ! wait "$lab_pid"; then cat .lab/lab-up.log; echo "lab:up failed"; exit 1; fi
cat .lab/lab-up.log

step "unit tests against the lab"
npx vitest run .lab.test.ts
step build
npm run build
step "e2e (Playwright, Debian Chromium, on the lab)"
rm -rf .lab/e2e-data
npx playwright test
step "all tests passed in $(($(date +%s) - t0))s"
