#!/usr/bin/env bash
# Starts a one-node SLURM cluster for the tests, without systemd: a munge key and munged of its
# own, then slurmctld and slurmd from slurm.conf.template, all keeping their files in STATE_DIR.
# Prints SLURM_CONF=... once the node is idle. Stop it with scripts/slurm/stop.sh STATE_DIR (on
# failure this script stops what it started itself). Needs root and Debian's slurm-wlm and munge
# (scripts/setup.sh --test installs them). Usage: scripts/slurm/start.sh STATE_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
state="${1:?usage: start.sh STATE_DIR}"
mkdir -p "$state"
state="$(cd "$state" && pwd)"

fail() { echo "slurm start: $*" >&2; "$here/stop.sh" "$state" >&2 || true; exit 1; }
trap 'fail "stopped by a signal"' INT TERM
for tool in munged mungekey slurmctld slurmd sinfo runuser; do
  command -v "$tool" >/dev/null || PATH="$PATH:/usr/sbin:/sbin" command -v "$tool" >/dev/null || fail "'$tool' is not installed (run scripts/setup.sh --test)"
done
export PATH="$PATH:/usr/sbin:/sbin"
[ "$(id -u)" = 0 ] || fail "must run as root (slurmd starts jobs as their users)"
id munge >/dev/null 2>&1 || fail "there is no 'munge' user (Debian's munge package creates it)"

# The state folder is read by munge (a user of its own) and the job steps: world-traversable.
chmod 755 "$state"
mkdir -p "$state/munge" "$state/ctld" "$state/slurmd" "$state/log" "$state/tmp"
chown munge:munge "$state/munge"
# munged wants its socket folder searchable by every user (clients connect as themselves).
chmod 755 "$state/munge"
: >"$state/plugstack.conf"

runuser -u munge -- mungekey --create --keyfile="$state/munge/munge.key" --force
runuser -u munge -- munged --socket="$state/munge/munge.socket" --key-file="$state/munge/munge.key" \
  --pid-file="$state/munge/munged.pid" --log-file="$state/munge/munged.log" --seed-file="$state/munge/munged.seed" \
  || fail "munged did not start (see $state/munge/munged.log)"

# Two free ports on the loopback interface, so that several clusters (or a real one) can coexist.
read -r ctld_port slurmd_port < <(node -e '
const net = require("net");
const free = () => new Promise((ok) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => ok(p)); }); });
(async () => { const a = await free(); let b = await free(); while (b === a) b = await free(); console.log(a, b); })();')
host="$(hostname -s)"
sed -e "s|@HOST@|$host|g" -e "s|@STATE@|$state|g" -e "s|@CTLD_PORT@|$ctld_port|g" -e "s|@SLURMD_PORT@|$slurmd_port|g" \
  "$here/slurm.conf.template" >"$state/slurm.conf"
export SLURM_CONF="$state/slurm.conf"

slurmctld -f "$SLURM_CONF" -i || fail "slurmctld did not start (see $state/log/slurmctld.log)"
slurmd -f "$SLURM_CONF" -N "$host" || fail "slurmd did not start (see $state/log/slurmd.log)"

for _ in $(seq 1 120); do
  node_state="$(sinfo --noheader --nodes="$host" --format=%t 2>/dev/null | head -1 || true)"
  if [ "$node_state" = idle ]; then
    echo "SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  sleep 0.5
done
fail "the node did not become idle within 60 s (state '${node_state:-none}'; see $state/log)"
