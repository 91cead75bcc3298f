#!/usr/bin/env bash
# Lint: eslint (import boundaries, floating promises), the TypeScript build, prettier.
set -euo pipefail
cd "$(dirname "$0")/.."
npx eslint .
npx tsc -b
npx tsc -p tsconfig.test.json
npx tsc -p apps/console
npx tsc -p apps/widget
npx prettier --check . --log-level warn
