#!/usr/bin/env bash
# Installs what ncollapse needs on a Debian machine, skipping whatever is already there:
# libtorch (unless $LIBTORCH or LIBTORCH_USE_PYTORCH=1 points elsewhere), the Fashion-MNIST
# files, the npm dependencies, the native addon and the compiled JavaScript (dist/). Usage: scripts/setup.sh [--test]
# (--test also installs Chromium for the browser tests, NumPy for an interoperability test, and
# SLURM with munge for the sweep test).
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "setup: '$*' needs root; run it as root or install sudo." >&2; exit 1
  fi
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    echo "setup: apt-get update" >&2
    as_root apt-get update -qq
    apt_updated=1
  fi
  echo "setup: apt-get install $*" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

missing=()
command -v node >/dev/null || missing+=(nodejs npm)
command -v g++ >/dev/null || missing+=(g++)
command -v make >/dev/null || missing+=(make)
command -v python3 >/dev/null || missing+=(python3)
if [ -z "${LIBTORCH:-}" ] && [ "${LIBTORCH_USE_PYTORCH:-}" != 1 ] && [ ! -f /usr/include/ATen/ATen.h ]; then
  missing+=(libtorch-dev)
fi
# Debian's libtorch exports c10d's Gloo process group, but its header needs the gloo headers:
# the addon's distributed training (native/src/distributed.cc) is built with them.
if [ -z "${LIBTORCH:-}" ] && [ "${LIBTORCH_USE_PYTORCH:-}" != 1 ] && [ ! -f /usr/include/gloo/algorithm.h ]; then
  missing+=(libgloo-dev)
fi
[ -d /usr/share/datasets/fashion-mnist ] || missing+=(dataset-fashion-mnist)
# Debian's libtorch calls the system BLAS, which is the slow reference implementation unless an
# optimised one is installed: OpenBLAS makes the MLP train about 25 times faster (npm run bench).
ldconfig -p 2>/dev/null | grep 'libopenblas\.so\.0' >/dev/null || missing+=(libopenblas0-pthread)
if [ "$want_test" = 1 ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium fonts-dejavu-core)
  # NumPy checks what our .npy writer produces (Debian's python3, not a pyenv one).
  /usr/bin/python3 -c 'import numpy' 2>/dev/null || missing+=(python3-numpy)
  # The track test trains a tiny PyTorch model with the README's dump code (test/track/).
  /usr/bin/python3 -c 'import torch' 2>/dev/null || missing+=(python3-torch)
  # The sweep test starts a one-node SLURM cluster of its own (scripts/slurm/start.sh).
  { [ -x /usr/sbin/slurmctld ] && [ -x /usr/sbin/slurmd ] && command -v sbatch >/dev/null; } || missing+=(slurm-wlm)
  [ -x /usr/sbin/munged ] || missing+=(munge)
fi
if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund >/dev/null
fi

addon=native/build/Release/ncollapse_native.node
if [ ! -f "$addon" ] || [ -n "$(find native/src native/binding.gyp native/find-libtorch.cjs -newer "$addon" 2>/dev/null | head -1)" ]; then
  node native/find-libtorch.cjs check >&2
  echo "setup: building the native addon" >&2
  npm run --silent build:native >/tmp/ncollapse-native-build.log 2>&1 || {
    tail -40 /tmp/ncollapse-native-build.log >&2
    echo "setup: the native build failed (full log: /tmp/ncollapse-native-build.log)" >&2
    exit 1
  }
fi

# bin/ncollapse runs the compiled JavaScript in dist/ and refuses one older than src/.
built=dist/src/cli/main.js
if [ ! -f "$built" ] || [ -n "$(find src tsconfig.json tsconfig.build.json -newer "$built" 2>/dev/null | head -1)" ]; then
  echo "setup: compiling the TypeScript into dist/" >&2
  npm run --silent build
fi
