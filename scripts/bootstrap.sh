#!/usr/bin/env bash
# Installs node modules when missing or older than the lock file, then builds every package.
# Idempotent and quick when nothing changed; npm start and npm test both call it.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.switchboard-install-stamp
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "switchboard: installing dependencies (first run builds sqlite3 from source, about 90 s)…"
  npm ci --no-audit --no-fund
  touch "$stamp"
fi

echo "switchboard: building…"
npx tsc -b
