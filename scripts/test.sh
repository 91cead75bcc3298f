#!/usr/bin/env bash
# The whole test suite, on sqlite and then on a real PostgreSQL server. Installs what is missing
# (node modules, the build, PostgreSQL), so it works on a fresh clone. Extra args go to mocha.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh
pg_url="$(bash scripts/postgres.sh | sed -n 's/^DATABASE_URL=//p')"
chromium="$(bash scripts/chromium.sh | sed -n 's/^CHROMIUM=//p')"

stats="$(mktemp)"
trap 'rm -f "$stats"' EXIT
status=0
echo "== tests on sqlite =="
SB_TEST_STATS="$stats" SWITCHBOARD_TEST_DB=sqlite npx mocha "$@" || status=1
echo "== tests on PostgreSQL =="
SB_TEST_STATS="$stats" SWITCHBOARD_TEST_DB=postgres DATABASE_URL="$pg_url" npx mocha "$@" || status=1
# The console and the widget in headless Chromium, against a server on sqlite.
echo "== browser tests (Chromium) =="
SB_TEST_STATS="$stats" SWITCHBOARD_TEST_DB=sqlite CHROMIUM="$chromium" npx mocha --config .mocharc.browser.json "$@" || status=1

node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").filter(Boolean);
  const t = lines.map(JSON.parse).reduce((a, s) => ({ p: a.p + s.passes, f: a.f + s.failures, s: a.s + s.pending }), { p: 0, f: 0, s: 0 });
  if (lines.length < 3) t.f += 3 - lines.length; // a run that crashed before reporting counts as failed
  console.log(`${t.p} passed, ${t.f} failed, ${t.s} skipped`);
' "$stats"
exit $status
