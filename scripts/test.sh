#!/usr/bin/env bash
# Builds HostGrid and runs every test project against a private PostgreSQL in a temp dir (port
# ${HOSTGRID_PG_PORT:-55433}, apart from run-local's 55432), stopped at the end.
# Prints `tests: N passed, N failed, N skipped` and exits non-zero on any failure.
#   scripts/test.sh                   every project under tests/
#   scripts/test.sh Core Chaos        only tests/HostGrid.Core.Tests and tests/HostGrid.ChaosTests
# Extra `dotnet test` arguments go in HOSTGRID_TEST_ARGS (e.g. '--filter Name~Placement').
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$root"

work=$(mktemp -d /tmp/hostgrid-test.XXXXXX)
chmod 755 "$work"   # PostgreSQL runs as its own OS user and must reach its data dir here
export HOSTGRID_HOME=$work
export HOSTGRID_PG_PORT=${HOSTGRID_PG_PORT:-55433}
results=$work/results

cleanup() {
  "$root/scripts/pg.sh" stop >/dev/null 2>&1 || true
  rm -rf -- "$work" "/tmp/hostgrid-pg-$(printf %s "$work" | sha256sum | cut -c1-16)" 2>/dev/null || true
}
trap cleanup EXIT

if [[ $# -gt 0 ]]; then
  projects=()
  for name in "$@"; do
    match=$(ls tests/HostGrid."$name".Tests/*.csproj tests/HostGrid."$name"Tests/*.csproj 2>/dev/null | head -n 1)
    [[ -n $match ]] || { echo "no test project named $name under tests/" >&2; exit 2; }
    projects+=("$match")
  done
else
  # Every test project: fast unit suites first, then the ones that start processes.
  mapfile -t projects < <(ls tests/*/*Tests.csproj | grep -v -e IntegrationTests -e ChaosTests; ls tests/HostGrid.IntegrationTests/*.csproj tests/HostGrid.ChaosTests/*.csproj)
fi

# The chaos suite's partition test cuts one agent off the network with nftables (by cgroup, both ways); install
# nft when missing, as the QEMU tests would install QEMU. Without it that test is skipped, or fails under CI=true.
if [[ " ${projects[*]} " == *ChaosTests* ]] && ! command -v nft >/dev/null 2>&1; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing nftables (apt-get) for the chaos suite's partition test"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq nftables >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq nftables >/dev/null; } ||
      echo "test: could not install nftables: the partition test is skipped (and fails under CI=true)" >&2
  else
    echo "test: nft (nftables) is missing and cannot be installed here (needs root and apt-get):" \
      "the partition test is skipped (and fails under CI=true)" >&2
  fi
fi

# The QEMU driver's tests run real guests, and the build assembles the test guest kernel (GNU as/ld): install what is
# missing (root + apt-get). Without QEMU those tests return early, except under CI=true, where they fail.
"$root/scripts/ensure-qemu.sh" || echo "test: QEMU could not be installed: the QEMU tests fail under CI=true" >&2

echo "== build"
dotnet build HostGrid.sln -c Debug -v q -nologo

echo "== PostgreSQL"
"$root/scripts/pg.sh" start
export HOSTGRID_TEST_PG
HOSTGRID_TEST_PG=$("$root/scripts/pg.sh" url)

failed_runs=0
for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  # shellcheck disable=SC2086
  if ! dotnet test "$project" --no-build -c Debug -v q --nologo \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
      --results-directory "$results" ${HOSTGRID_TEST_ARGS:-}; then
    failed_runs=$((failed_runs + 1))
  fi
done

# Sum the counters of every results file: passed, failed (incl. errors/timeouts), skipped (not executed).
read -r passed failed skipped < <(python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
p = f = s = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(path).getroot().find(".//{*}Counters")
    if c is None:
        continue
    n = lambda k: int(c.get(k, 0))
    p += n("passed"); f += n("failed") + n("error") + n("timeout") + n("aborted")
    # Skipped tests: the counters leave them out (notExecuted stays 0 for xUnit skips), their results say NotExecuted.
    s += len(ET.parse(path).getroot().findall(".//{*}UnitTestResult[@outcome='NotExecuted']"))
print(p, f, s)
PY
)
if [[ $failed_runs -gt 0 && $failed -eq 0 ]]; then
  failed=$failed_runs   # a project that crashed before writing results still counts as failed
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 && $failed_runs -eq 0 ]]
