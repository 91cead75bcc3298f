#!/usr/bin/env bash
# Hooks benchmark: guarded hook dispatch against raw tapable and a plain loop, then the server's
# cold start. Builds first (the kernel is measured from core/dist). Prints tables and PASS/FAIL
# per goal; writes bench/results/hooks-<timestamp>.json and, for a full run (no --quick or
# --only), bench/results/latest-hooks.json.
# Exits 1 when a goal is missed. Extra args go to bench/hooks.ts: --quick, --only=dispatch|cold-start.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -b
exec node --import tsx bench/hooks.ts "$@"
