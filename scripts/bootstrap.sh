#!/usr/bin/env bash
# Installs node modules when missing or when the lock file changed since the last install, then
# builds every package. Idempotent and quick when nothing changed; npm start and npm test both
# call it.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.switchboard-install-stamp
lock_hash() {
  node -e 'const c = require("crypto"), f = require("fs");
    process.stdout.write(c.createHash("sha256").update(f.readFileSync("package.json")).update(f.readFileSync("package-lock.json")).digest("hex"))'
}
want="$(lock_hash)"
if [ ! -d node_modules ]; then
  echo "switchboard: installing dependencies (first run builds sqlite3 from source, about 90 s)…"
  npm ci --no-audit --no-fund
elif [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "switchboard: dependencies changed; updating node_modules…"
  npm install --no-audit --no-fund
  want="$(lock_hash)"
fi
printf '%s' "$want" > "$stamp"

echo "switchboard: building…"
npx tsc -b
# The console and the widget (Vite bundles served by the server at /console/ and /widget/).
npm run build:ui --workspaces --if-present --silent >/dev/null
