#!/usr/bin/env bash
# Stops the daemons that scripts/slurm/start.sh STATE_DIR started (and only those: by their pid
# files), waiting until they are gone. Usage: scripts/slurm/stop.sh STATE_DIR
set -uo pipefail
state="${1:?usage: stop.sh STATE_DIR}"
stop_pid_file() {
  local file="$1" pid
  [ -f "$file" ] || return 0
  pid="$(cat "$file" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}
stop_pid_file "$state/slurmd.pid"
stop_pid_file "$state/slurmctld.pid"
stop_pid_file "$state/munge/munged.pid"
exit 0
