#!/usr/bin/env bash
# Web app checks: type check, unit tests (vitest), the JavaScript budget, then
# the browser tests in headless Debian chromium against the real server (the
# citizen app, e2e/app.test.mjs, and the admin page, e2e/admin.test.mjs).
# Needs, done before: `npm ci --prefix web && npm run --prefix web build`, the
# rifugio binary built (build/release/src/cli/rifugio, or RIFUGIO_BIN), and
# `apt-get install -y chromium`. The browser tests skip, saying why, when the
# data folder (RIFUGIO_DATA_DIR, default ../shared/data), the binary, the
# build or chromium is missing. RIFUGIO_LIGHTHOUSE=1 also runs Lighthouse.
# Screenshots: build/web-e2e/*.png.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

npm run --silent --prefix web typecheck
npx --prefix web vitest run --root web --reporter=default --reporter=json --outputFile="$out/unit.json"
node web/scripts/check-budget.mjs
set +e
npm run --silent --prefix web e2e | tee "$out/e2e.tap"
e2e_status=${PIPESTATUS[0]}
set -e
if [ "${RIFUGIO_LIGHTHOUSE:-0}" = 1 ]; then npm run --silent --prefix web lighthouse; fi

node - "$out/unit.json" "$out/e2e.tap" <<'JS'
const fs = require('fs');
const u = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const tap = fs.readFileSync(process.argv[3], 'utf8');
const n = (k) => Number((tap.match(new RegExp(`^# ${k} (\\d+)$`, 'm')) || [])[1] || 0);
const passed = u.numPassedTests + n('pass');
const failed = u.numFailedTests + n('fail') + n('cancelled');
const skipped = u.numPendingTests + u.numTodoTests + n('skipped') + n('todo');
console.log(`unit: ${u.numPassedTests} passed, ${u.numFailedTests} failed; browser: ${n('pass')} passed, ${n('fail')} failed, ${n('skipped')} skipped, ${n('todo')} todo`);
console.log(`web: ${passed} passed, ${failed} failed, ${skipped} skipped`);
JS
exit "$e2e_status"
