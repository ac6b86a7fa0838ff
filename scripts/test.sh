#!/usr/bin/env bash
# The test suite: sets up what is missing (Chromium too), type-checks, lints, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
npx tsc -p tsconfig.json --noEmit
npm run lint
npm test
