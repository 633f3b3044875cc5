#!/usr/bin/env bash
# Runs one benchmark against a private local cluster and writes bench/results/NAME.json (see bench/README.md).
#   scripts/bench.sh NAME [options passed to the benchmark tool]
#   scripts/bench.sh placement --vms 100 --concurrency 32
# Builds Release, starts PostgreSQL + 3 agents + the gateway with scripts/run-local.sh under a temp HOSTGRID_HOME on
# ports apart from run-local (PostgreSQL 55434, gateway 5090, silos 11211-11213, Orleans gateways 30101-30103;
# override with HOSTGRID_BENCH_PG_PORT, HOSTGRID_BENCH_GATEWAY_PORT, HOSTGRID_BENCH_SILO_PORT_BASE,
# HOSTGRID_BENCH_ORLEANS_GATEWAY_PORT_BASE), runs the benchmark, and always stops the cluster and removes the temp dir.
#   scripts/bench.sh failover --kills 3 --hangs 2
# `failover` starts its own agents and gateway (tests/HostGrid.Testing's LocalCluster) and kills or freezes them, so
# here it only gets a private PostgreSQL (scripts/pg.sh, port 55435; override with HOSTGRID_BENCH_FAILOVER_PG_PORT)
# under a temp HOSTGRID_HOME, passes it as HOSTGRID_TEST_PG, and always stops it, kills any agent or gateway process
# the tool left behind, and removes the temp dir.
#   scripts/bench.sh migration --sizes 256,1024 --rates 0,100
# `migration` needs no cluster: the tool migrates between two simulated hypervisors in its own process over loopback.
#   scripts/bench.sh migration-qemu --sizes 64,256 --repeats 1
# `migration-qemu` needs no cluster either, but QEMU: it runs scripts/ensure-qemu.sh first (installs QEMU when missing),
# then the tool migrates real QEMU guests between two QEMU drivers in its own process over loopback and stops them.
#   scripts/bench.sh rebalance --hosts 10,100,1000
# `rebalance` needs no cluster either: the tool plans on generated clusters in its own process.
#   scripts/bench.sh switchover --repeats 20
# `switchover` runs scripts/ensure-qemu.sh first, then uses the private cluster above with its agents on the QEMU driver
# (run-local.sh --driver qemu); the clean-up also kills any QEMU or lease watchdog left under the temp dir.
# Exit code: the benchmark tool's (0 measured, 1 not measured, 2 bad usage).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$root"

known=(placement failover migration migration-qemu rebalance switchover)
usage() {
  echo "usage: scripts/bench.sh NAME [options for the benchmark]" >&2
  echo "known benchmarks: ${known[*]}" >&2
  echo "options of one: scripts/bench.sh NAME --help" >&2
}

name=${1:-}
if [[ -z $name || $name == -h || $name == --help ]]; then
  usage
  exit 2
fi
if [[ ! " ${known[*]} " == *" $name "* ]]; then
  echo "bench: unknown benchmark '$name'" >&2
  usage
  exit 2
fi
shift

tool=$root/bench/HostGrid.Bench/bin/Release/net10.0/hostgrid-bench.dll
out=bench/results/$name.json

# migration-qemu and switchover boot real QEMU guests; the build assembles the test guest kernel with binutils (both from
# ensure-qemu.sh).
if [[ $name == migration-qemu || $name == switchover ]]; then
  echo "== ensure QEMU"
  "$root/scripts/ensure-qemu.sh"
fi

echo "== build (Release)"
dotnet build HostGrid.sln -c Release -v q -nologo

# Only a help request: nothing to start.
for arg in "$@"; do
  if [[ $arg == --help ]]; then exec dotnet "$tool" "$name" --help; fi
done

# failover: the tool runs the cluster's processes itself; this only provides PostgreSQL (see the header).
run_failover() {
  local pg_port=${HOSTGRID_BENCH_FAILOVER_PG_PORT:-55435} token status=0
  if (exec 3<>"/dev/tcp/127.0.0.1/$pg_port") 2>/dev/null; then
    echo "bench: port $pg_port on 127.0.0.1 is in use; stop what listens there or set HOSTGRID_BENCH_FAILOVER_PG_PORT" >&2
    exit 1
  fi

  work=$(mktemp -d /tmp/hostgrid-bench.XXXXXX)
  chmod 755 "$work"   # PostgreSQL runs as its own OS user and must reach its data dir here
  export HOSTGRID_HOME=$work
  export HOSTGRID_PG_PORT=$pg_port
  # Every process the tool starts inherits this; the clean-up finds leftovers by it (only this run's, by pid).
  token=failover-$$-$(date +%s%N)

  kill_leftovers() {
    local environ pid
    for environ in /proc/[0-9]*/environ; do
      pid=${environ#/proc/}; pid=${pid%/environ}
      [[ $pid != "$$" ]] || continue
      if grep -qxzF "HOSTGRID_BENCH_RUN=$token" "$environ" 2>/dev/null; then
        echo "bench: killing leftover process $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-100))" >&2
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done
  }

  cleanup_failover() {
    local status=$?
    trap - EXIT INT TERM
    echo "== stopping PostgreSQL :$HOSTGRID_PG_PORT"
    kill_leftovers
    "$root/scripts/pg.sh" stop >/dev/null 2>&1 || echo "bench: pg.sh stop failed; check port $HOSTGRID_PG_PORT" >&2
    rm -rf -- "$work" "/tmp/hostgrid-pg-$(printf %s "$work" | sha256sum | cut -c1-16)" 2>/dev/null || true
    exit "$status"
  }
  trap cleanup_failover EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  echo "== starting a private PostgreSQL (HOSTGRID_HOME=$work, port $pg_port)"
  "$root/scripts/pg.sh" start
  HOSTGRID_TEST_PG=$("$root/scripts/pg.sh" url)
  export HOSTGRID_TEST_PG

  echo "== benchmark failover"
  mkdir -p bench/results
  HOSTGRID_BENCH_RUN=$token dotnet "$tool" failover --out "$out" "$@" || status=$?
  exit "$status"
}
if [[ $name == failover ]]; then run_failover "$@"; fi

# migration: in-process simulated hypervisors over loopback; nothing to start.
if [[ $name == migration ]]; then
  echo "== benchmark migration"
  mkdir -p bench/results
  exec dotnet "$tool" migration --out "$out" "$@"
fi

# migration-qemu: two QEMU drivers in the tool's process over loopback; the tool stops every QEMU it started.
if [[ $name == migration-qemu ]]; then
  echo "== benchmark migration-qemu"
  mkdir -p bench/results
  exec dotnet "$tool" migration-qemu --out "$out" "$@"
fi

# rebalance: the pure planner on generated clusters; nothing to start.
if [[ $name == rebalance ]]; then
  echo "== benchmark rebalance"
  mkdir -p bench/results
  exec dotnet "$tool" rebalance --out "$out" "$@"
fi

work=$(mktemp -d /tmp/hostgrid-bench.XXXXXX)
chmod 755 "$work"   # PostgreSQL runs as its own OS user and must reach its data dir here
export HOSTGRID_HOME=$work
export HOSTGRID_CONFIG=Release
export HOSTGRID_PG_PORT=${HOSTGRID_BENCH_PG_PORT:-55434}
export HOSTGRID_GATEWAY_PORT=${HOSTGRID_BENCH_GATEWAY_PORT:-5090}
export HOSTGRID_SILO_PORT_BASE=${HOSTGRID_BENCH_SILO_PORT_BASE:-11210}
export HOSTGRID_ORLEANS_GATEWAY_PORT_BASE=${HOSTGRID_BENCH_ORLEANS_GATEWAY_PORT_BASE:-30100}
export HOSTGRID_CLUSTER_ID=bench-$$-$(date +%s)
gateway=http://127.0.0.1:$HOSTGRID_GATEWAY_PORT
# switchover migrates real guests: the agents run the QEMU driver (simulated guests for the others).
driver=simulated
if [[ $name == switchover ]]; then driver=qemu; fi

show_logs() {
  local log
  for log in "$work"/local/*.log; do
    [[ -e $log ]] || continue
    echo "-- last lines of ${log##*/}" >&2
    tail -n 15 -- "$log" >&2
  done
}

# QEMU guests and their lease watchdogs name their state folder under $work on their command line: only this run's.
kill_guest_leftovers() {
  local cmdline pid
  for cmdline in /proc/[0-9]*/cmdline; do
    pid=${cmdline#/proc/}; pid=${pid%/cmdline}
    [[ $pid != "$$" ]] || continue
    if tr '\0' ' ' <"$cmdline" 2>/dev/null | grep -qF -- "$work/"; then
      echo "bench: killing leftover process $pid ($(tr '\0' ' ' <"$cmdline" 2>/dev/null | cut -c1-100))" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ $status -ne 0 ]]; then show_logs; fi
  echo "== stopping the bench cluster"
  "$root/scripts/run-local.sh" stop >/dev/null 2>&1 || echo "bench: run-local.sh stop failed; check 'pgrep -f hostgrid-' and port $HOSTGRID_PG_PORT" >&2
  if [[ $driver == qemu ]]; then kill_guest_leftovers; fi
  rm -rf -- "$work" "/tmp/hostgrid-pg-$(printf %s "$work" | sha256sum | cut -c1-16)" 2>/dev/null || true
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Another cluster (or anything) on our ports would make the run measure the wrong thing or fail obscurely.
ports=("$HOSTGRID_PG_PORT" "$HOSTGRID_GATEWAY_PORT")
for n in 1 2 3; do ports+=($((HOSTGRID_SILO_PORT_BASE + n)) $((HOSTGRID_ORLEANS_GATEWAY_PORT_BASE + n))); done
for port in "${ports[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "bench: port $port on 127.0.0.1 is in use; stop what listens there or set the HOSTGRID_BENCH_*_PORT variables" >&2
    exit 1
  fi
done

echo "== starting a private cluster (HOSTGRID_HOME=$work, PostgreSQL :$HOSTGRID_PG_PORT, gateway $gateway, $driver driver)"
"$root/scripts/run-local.sh" --detach --driver "$driver"

echo "== benchmark $name"
mkdir -p bench/results
status=0
dotnet "$tool" "$name" --gateway "$gateway" --out "$out" "$@" || status=$?
exit "$status"
