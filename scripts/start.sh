#!/usr/bin/env bash
# Fresh clone to running server: install, build, migrate, start on sqlite with the default plugins.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec node apps/server/bin/switchboard.js start "$@"
