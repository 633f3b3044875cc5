#!/usr/bin/env bash
# HostGrid's lease watchdog for one host's QEMU guests (see LeaseWatchdog.cs). Runs in its own session, apart from the
# agent, so a killed or frozen (SIGSTOP) agent cannot keep its guests running: every 100 ms it reads HOST_DIR/lease (the
# instant the lease ends, in microseconds since the Unix epoch) and, once that has passed, SIGKILLs every guest QEMU
# whose command line names its own pid file under HOST_DIR (so a recycled pid is never hit). Exits when the host has had
# no guests for a few seconds; the agent starts it again with the next guest.
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
  guests=0
  for guest in "$dir"/guests/*/; do
    [[ -d $guest ]] || continue
    guests=$((guests + 1))
    (( now > expiry )) || continue
    pid=
    read -r pid <"${guest}qemu.pid" 2>/dev/null || continue
    if [[ $pid =~ ^[0-9]+$ ]] && grep -qaF -- "${guest}qemu.pid" "/proc/$pid/cmdline" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null && log "lease lapsed $(( (now - expiry) / 1000 )) ms ago: killed $(basename "$guest") (pid $pid)"
    fi
  done

  if (( guests == 0 )); then
    idle_checks=$((idle_checks + 1))
    if (( idle_checks >= 30 )); then
      # Hand over before leaving: a guest whose directory appears now finds no pid file and starts a new watchdog.
      rm -f "$dir/watchdog.pid"
      compgen -G "$dir/guests/*/" >/dev/null || { log "no guests: exiting"; exit 0; }
      echo $$ >"$dir/watchdog.pid"
    fi
  else
    idle_checks=0
  fi
  read -r -t 0.1 -u "$tick" _ || true
done
