#!/usr/bin/env bash
# HostGrid's private PostgreSQL 15 for development and tests.
#   scripts/pg.sh start|stop|status|url|psql [psql args...]
#
# Data: ${HOSTGRID_HOME:-.hostgrid}/pg (relative paths are taken from the repo root), the server
# listens on 127.0.0.1:${HOSTGRID_PG_PORT:-55432} only, its unix socket is in that folder's sock/.
# PostgreSQL refuses to run as root, so as root the server tools run as the `postgres` OS user.
# When that user cannot reach the folder (a repo under /root, say) or the socket path would be too
# long for a unix socket, the data lives in /tmp/hostgrid-pg-<hash of the folder> instead and
# ${HOSTGRID_HOME}/pg is a symlink to it. psql runs as the caller over TCP (trust auth), so it can
# read the caller's files. `start` applies every deploy/sql/*.sql in name order, each time.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
home=${HOSTGRID_HOME:-.hostgrid}
[[ $home == /* ]] || home=$root/$home
port=${HOSTGRID_PG_PORT:-55432}
db=hostgrid
url="Host=127.0.0.1;Port=$port;Username=postgres;Database=$db"

die() { echo "pg: $*" >&2; exit 1; }
is_root() { [[ $(id -u) == 0 ]]; }
as_pg() { if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }
sql() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres "$@"; }

# The real data folder; with `create`, picks and makes it on first use.
pg_dir() {
  local link=$home/pg tmp
  if [[ -L $link ]]; then readlink -- "$link"; return; fi
  if [[ -d $link || ${1:-} != create ]]; then echo "$link"; return; fi
  mkdir -p -- "$home"
  # sock/.s.PGSQL.NNNNN must fit in a unix socket path (107 bytes).
  if (( ${#link} > 80 )) || { is_root && ! runuser -u postgres -- test -x "$home"; }; then
    tmp=/tmp/hostgrid-pg-$(printf %s "$home" | sha256sum | cut -c1-16)
    ln -s -- "$tmp" "$link"
    echo "$tmp"
  else
    echo "$link"
  fi
}

running() { [[ -s $1/PG_VERSION ]] && as_pg pg_ctl -D "$1" status >/dev/null 2>&1; }

start() {
  local dir data log
  dir=$(pg_dir create); data=$dir/data; log=$dir/postgres.log
  mkdir -p -- "$dir/sock"
  if is_root; then chown postgres: "$dir" "$dir/sock"; fi
  if [[ ! -s $data/PG_VERSION ]]; then
    echo "pg: initdb $data"
    rm -rf -- "$data"  # a half-made folder from an interrupted initdb
    as_pg initdb -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  fi
  if running "$data"; then
    echo "pg: already running ($data)"
  else
    echo "pg: starting on 127.0.0.1:$port ($data)"
    as_pg pg_ctl -D "$data" -l "$log" -w -t 30 start \
      -o "-p $port -k '$dir/sock' -c listen_addresses=127.0.0.1 -c max_connections=500" >/dev/null ||
      { tail -n 20 "$log" >&2; die "start failed, log: $log"; }
  fi
  for _ in $(seq 50); do pg_isready -q -h 127.0.0.1 -p "$port" && break; sleep 0.2; done
  pg_isready -q -h 127.0.0.1 -p "$port" || die "no server answers on 127.0.0.1:$port, log: $log"
  if [[ -z $(sql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'") ]]; then
    sql -d postgres -c "CREATE DATABASE $db"
  fi
  for f in "$root"/deploy/sql/*.sql; do
    sql -d "$db" -1 -f "$f" >/dev/null || die "applying ${f#"$root"/} failed"
  done
  echo "pg: ready: $url"
}

stop() {
  local data
  data=$(pg_dir)/data
  if running "$data"; then
    as_pg pg_ctl -D "$data" -m fast -w -t 30 stop >/dev/null || die "stop failed ($data)"
    echo "pg: stopped"
  else
    echo "pg: not running"
  fi
}

status() {
  local data
  data=$(pg_dir)/data
  if running "$data"; then echo "pg: running ($data), $url"; else echo "pg: not running"; exit 3; fi
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  url) echo "$url" ;;
  psql) shift; exec psql -X -h 127.0.0.1 -p "$port" -U postgres -d "$db" "$@" ;;
  *) echo "usage: scripts/pg.sh start|stop|status|url|psql [psql args...]" >&2; exit 2 ;;
esac
