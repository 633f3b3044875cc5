#!/usr/bin/env bash
# Skews the load of a local cluster (scripts/run-local.sh) so the rebalancer has something to do:
#   scripts/skew.sh          create 8 busy guests on hv-1 (bursty and steady; the last one pinned) and 4 idle ones
#                            spread over hv-2 and hv-3; guests that already exist are left as they are
#   scripts/skew.sh delete   delete those guests again
# The workload profiles (--profile) are the simulated driver's: a real hypervisor ignores the label.
# Talks to $HOSTGRID_GATEWAY (default http://127.0.0.1:5080) through scripts/hostgrid.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
hostgrid() { "$root/scripts/hostgrid" --timeout 15 "$@"; }

hot_host=hv-1
# name profile host extra-options: 8 x 2 vcpus fill hv-1's 16 vcpus; 4 GiB each is half its memory.
guests=(
  "skew-hot-1 bursty $hot_host"
  "skew-hot-2 bursty $hot_host"
  "skew-hot-3 bursty $hot_host"
  "skew-hot-4 bursty $hot_host"
  "skew-hot-5 steady $hot_host"
  "skew-hot-6 steady $hot_host"
  "skew-hot-7 steady $hot_host"
  "skew-hot-8 steady $hot_host --pinned"
  "skew-idle-1 idle hv-2"
  "skew-idle-2 idle hv-2"
  "skew-idle-3 idle hv-3"
  "skew-idle-4 idle hv-3"
)

# Exit status of `hostgrid vms get`: 0 exists, 3 NOT_FOUND; anything else (gateway down, ...) stops the script.
exists() {
  local status=0
  hostgrid vms get "$1" >/dev/null 2>"${TMPDIR:-/tmp}/skew.err" || status=$?
  case $status in
    0) return 0 ;;
    3) return 1 ;;
    *) echo "skew: cannot reach the cluster ($(cat "${TMPDIR:-/tmp}/skew.err")); is scripts/run-local.sh running?" >&2; exit 1 ;;
  esac
}

if [[ ${1:-} == delete ]]; then
  for spec in "${guests[@]}"; do
    read -r name _ <<<"$spec"
    if exists "$name"; then
      hostgrid vms delete "$name" >/dev/null && echo "deleted $name"
    fi
  done
  exit 0
elif [[ $# -gt 0 ]]; then
  sed -n '2,8s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
  exit 2
fi

created=0
for spec in "${guests[@]}"; do
  read -r name profile host extra <<<"$spec"
  if exists "$name"; then
    echo "skip   $name (exists)"
    continue
  fi
  if [[ $name == skew-hot-* ]]; then size=(--cpus 2 --memory 4096); else size=(--cpus 1 --memory 1024); fi
  # shellcheck disable=SC2086 # extra is zero or one flag
  hostgrid vms create "$name" "${size[@]}" --disk 10 --host "$host" --profile "$profile" --label app=skew $extra >/dev/null
  echo "create $name on $host (${size[*]}, profile $profile${extra:+, ${extra#--}})"
  created=$((created + 1))
done

echo
echo "$created guests created. hv-1 now carries the busy ones; give the heartbeats ~10 s to report their load, then:"
cat <<'MSG'
  scripts/hostgrid cluster                  # per-host CPU and memory load
  scripts/hostgrid rebalance --dry-run      # the plan: moves, imbalance before -> after, why
  scripts/hostgrid rebalance --apply        # run it and follow the migrations
  scripts/hostgrid rebalance status         # mode, imbalance against target, recommendation
  scripts/hostgrid rebalance mode auto      # let it act on its own (after the imbalance stays high a while)
  scripts/skew.sh delete                    # remove these guests
skew-hot-8 is pinned: the plan never moves it.
MSG
