#!/usr/bin/env bash
# The main job: sets up what is missing, then trains the Fashion-MNIST demo into runs/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec ./bin/ncollapse demo "$@"
