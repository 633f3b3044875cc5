#!/usr/bin/env bash
# HostGrid's lease watchdog for one host's QEMU guests (see LeaseWatchdog.cs). Runs in its own session, apart from the
# agent, so a killed or frozen (SIGSTOP) agent cannot keep its guests running: every 100 ms it reads HOST_DIR/lease (the
# instant the lease ends, in microseconds since the Unix epoch) and, once that has passed, SIGKILLs every guest QEMU
# whose command line names its own pid file under HOST_DIR (so a recycled pid is never hit). Exits after 3 s with neither
# a live guest nor a lease (agent gone or stopped); the agent starts it again before its next guest.
# usage: hostgrid-qemu-watchdog.sh HOST_DIR
set -u
dir=${1:?usage: hostgrid-qemu-watchdog.sh HOST_DIR}
exec </dev/null >>"$dir/watchdog.log" 2>&1
echo $$ >"$dir/watchdog.pid"
log() { printf '%s watchdog[%s] %s\n' "$(date -u +%FT%T.%3NZ)" "$$" "$*"; }
log "guarding $dir"

# `read -t` on a pipe we also hold open for writing sleeps without forking a `sleep` ten times a second.
exec {tick}<> <(:)
idle_checks=0
while [[ -d $dir ]]; do
  expiry=0
  read -r expiry <"$dir/lease" 2>/dev/null || true
  now=${EPOCHREALTIME/./}
  live=0
  for guest in "$dir"/guests/*/; do
    [[ -d $guest ]] || continue
    pid=
    if ! read -r pid <"${guest}qemu.pid" 2>/dev/null; then
      live=$((live + 1)) # starting: QEMU has not written its pid yet
      continue
    fi
    [[ $pid =~ ^[0-9]+$ && -e /proc/$pid ]] || continue
    live=$((live + 1))
    (( now > expiry )) || continue
    if grep -qaF -- "${guest}qemu.pid" "/proc/$pid/cmdline" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null && log "lease lapsed $(( (now - expiry) / 1000 )) ms ago: killed $(basename "$guest") (pid $pid)"
    fi
  done

  # Idle: no guest alive and no lease (the agent is gone or cut off). An agent that renews again starts a new watchdog.
  if (( live == 0 && now > expiry )); then
    idle_checks=$((idle_checks + 1))
    if (( idle_checks >= 30 )); then
      rm -f "$dir/watchdog.pid"
      # Hand over: a lease renewed meanwhile means the agent may have seen the old pid file; stay then.
      expiry=0
      read -r expiry <"$dir/lease" 2>/dev/null || true
      now=${EPOCHREALTIME/./}
      if (( now > expiry )); then
        log "no live guests and no lease: exiting"
        exit 0
      fi
      echo $$ >"$dir/watchdog.pid"
      idle_checks=0
    fi
  else
    idle_checks=0
  fi
  read -r -t 0.1 -u "$tick" _ || true
done
