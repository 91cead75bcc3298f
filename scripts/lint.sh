#!/usr/bin/env bash
# Lint: eslint (import boundaries, floating promises), the TypeScript build, prettier.
set -euo pipefail
cd "$(dirname "$0")/.."
npx eslint .
npx tsc -b
npx tsc -p tsconfig.test.json
npx prettier --check . --log-level warn
