#!/usr/bin/env bash
# Runs a local HostGrid cluster: PostgreSQL, three agents (hosts of different sizes) and the gateway.
#   scripts/run-local.sh                  start, wait until every host is Up, stay in the foreground; Ctrl-C stops all
#   scripts/run-local.sh --detach         start and return; stop later with `scripts/run-local.sh stop`
#   scripts/run-local.sh --driver qemu    real guests: one QEMU process per guest (KVM or TCG, see README); installs
#                                         QEMU with apt-get when missing and allowed (root)
#   scripts/run-local.sh stop             stop a detached cluster (and its PostgreSQL)
# Logs and pids: ${HOSTGRID_HOME:-.hostgrid}/local. The gateway listens on 127.0.0.1:${HOSTGRID_GATEWAY_PORT:-5080};
# agents on ${HOSTGRID_SILO_PORT_BASE:-11110}+n (silo) and ${HOSTGRID_ORLEANS_GATEWAY_PORT_BASE:-30000}+n (Orleans gateway);
# PostgreSQL on ${HOSTGRID_PG_PORT:-55432}. Set these to run a second cluster beside the first.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
home=${HOSTGRID_HOME:-.hostgrid}
[[ $home == /* ]] || home=$root/$home
state=$home/local
gateway_port=${HOSTGRID_GATEWAY_PORT:-5080}
silo_port_base=${HOSTGRID_SILO_PORT_BASE:-11110}        # agent n listens on base+n
orleans_gateway_port_base=${HOSTGRID_ORLEANS_GATEWAY_PORT_BASE:-30000}
config=${HOSTGRID_CONFIG:-Release}
bin() { echo "$root/src/$1/bin/$config/net10.0/$2.dll"; }

# id vcpus memory_mib disk_gib zone rack
hosts=(
  "hv-1 16 65536 1000 a r1"
  "hv-2 8 32768 500 a r2"
  "hv-3 32 131072 2000 b r3"
)

stop_all() {
  local pidfile pid
  for pidfile in "$state"/*.pid; do
    [[ -e $pidfile ]] || continue
    pid=$(cat "$pidfile")
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pidfile in "$state"/*.pid; do
    [[ -e $pidfile ]] || continue
    pid=$(cat "$pidfile")
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f -- "$pidfile"
  done
  "$root/scripts/pg.sh" stop
}

if [[ ${1:-} == stop ]]; then
  stop_all
  echo "local cluster stopped"
  exit 0
fi
detach=false
driver=simulated
while [[ $# -gt 0 ]]; do
  case $1 in
    --detach) detach=true ;;
    --driver) driver=${2:-}; shift ;;
    --driver=*) driver=${1#--driver=} ;;
    *) echo "unknown argument: $1 (use --detach, --driver simulated|qemu, or stop)" >&2; exit 2 ;;
  esac
  shift
done
case $driver in
  simulated|Simulated) driver=Simulated ;;
  qemu|Qemu) driver=Qemu ;;
  *) echo "unknown driver '$driver': simulated or qemu" >&2; exit 2 ;;
esac

if compgen -G "$state/*.pid" >/dev/null; then
  echo "a local cluster seems to run already (pids in $state); run 'scripts/run-local.sh stop' first" >&2
  exit 1
fi

if [[ $driver == Qemu ]]; then
  "$root/scripts/ensure-qemu.sh"
  # Guests' sockets, pid files and logs per host; their disks on storage every host sees (here: one folder).
  export HostGrid__Qemu__StateDirectory=$home/qemu
  export HostGrid__Qemu__DiskDirectory=$home/disks
  # The migration stream never leaves this machine: loopback's round trip is microseconds, so small socket buffers
  # keep the stream's rate and bound the destination's backlog at the pause (bench/README.md, switchover). Servers
  # keep the driver's default, sized for a real link. An environment value of its own wins.
  export HostGrid__Qemu__MigrationSocketBufferKib=${HostGrid__Qemu__MigrationSocketBufferKib:-32}
  echo "QEMU guests: state in $home/qemu, disks in $home/disks"
fi

echo "building ($config)..."
dotnet build "$root/HostGrid.sln" -c "$config" -v q -nologo >/dev/null
"$root/scripts/pg.sh" start
connection=$("$root/scripts/pg.sh" url)
mkdir -p -- "$state"

export HostGrid__Cluster__ConnectionString=$connection
export HostGrid__Cluster__ClusterId=${HOSTGRID_CLUSTER_ID:-local}
export DOTNET_ENVIRONMENT=Development
export HostGrid__Agent__Driver=$driver
$detach || trap 'echo; echo stopping...; stop_all; exit 0' INT TERM

n=0
for spec in "${hosts[@]}"; do
  read -r id vcpus memory disk zone rack <<<"$spec"
  n=$((n + 1))
  HostGrid__Agent__Hosts__0__Id=$id \
  HostGrid__Agent__Hosts__0__Vcpus=$vcpus \
  HostGrid__Agent__Hosts__0__MemoryMib=$memory \
  HostGrid__Agent__Hosts__0__DiskGib=$disk \
  HostGrid__Agent__Hosts__0__Labels__zone=$zone \
  HostGrid__Agent__Hosts__0__Labels__rack=$rack \
  HostGrid__Agent__SiloPort=$((silo_port_base + n)) \
  HostGrid__Agent__GatewayPort=$((orleans_gateway_port_base + n)) \
    nohup dotnet "$(bin HostGrid.Agent hostgrid-agent)" >"$state/agent-$id.log" 2>&1 &
  echo $! >"$state/agent-$id.pid"
  echo "agent $id: pid $!, log $state/agent-$id.log"
done

HostGrid__Gateway__Port=$gateway_port nohup dotnet "$(bin HostGrid.Gateway hostgrid-gateway)" >"$state/gateway.log" 2>&1 &
echo $! >"$state/gateway.pid"
echo "gateway: pid $!, log $state/gateway.log"

export HOSTGRID_GATEWAY=http://127.0.0.1:$gateway_port
echo -n "waiting for ${#hosts[@]} hosts to be Up"
up=0
for _ in $(seq 1 60); do
  up=$("$root/scripts/hostgrid" --timeout 5 hosts list --status up --json 2>"$state/wait.err" | grep -c '"hostId"' || true)
  [[ $up -ge ${#hosts[@]} ]] && break
  echo -n "."
  sleep 1
done
echo
if [[ $up -lt ${#hosts[@]} ]]; then
  echo "only $up of ${#hosts[@]} hosts came Up in 60 s; last answer: $(cat "$state/wait.err"); logs in $state" >&2
  $detach || stop_all
  exit 1
fi

"$root/scripts/hostgrid" hosts list
cat <<MSG

HostGrid is running: gateway $HOSTGRID_GATEWAY, ${#hosts[@]} agents ($driver driver), PostgreSQL $connection
Try:
  scripts/hostgrid vms create web-1 --cpus 2 --memory 2048
  scripts/hostgrid vms list
  scripts/hostgrid cluster
MSG
if [[ $driver == Qemu ]]; then
  cat <<MSG
  scripts/hostgrid vms create busy-1 --cpus 1 --memory 512 --label qemu.hostgrid.io/wss-mib=256 --label qemu.hostgrid.io/dirty-mib-s=50
  scripts/hostgrid vms migrate busy-1 --to hv-2
  kill -9 \$(cat $state/agent-hv-2.pid)    # its guests restart elsewhere; its QEMUs are killed by the lease watchdog
MSG
fi

if $detach; then
  echo "Stop with: scripts/run-local.sh stop"
  exit 0
fi
echo "Ctrl-C stops the cluster."
while true; do sleep 1 & wait $!; done
