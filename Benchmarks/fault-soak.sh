#!/usr/bin/env bash
# Fault soak: 3 modal-server replicas over one PostgreSQL (a throwaway cluster on 127.0.0.1, and with
# --pgbouncer through Debian's PgBouncer in transaction mode, listeners on --events-database) under
# mixed load from the Python reference client (grpclib + modal_proto) and our Swift `modal` command
# line, while one replica is SIGKILLed and restarted every minute and PostgreSQL is restarted once.
# At the end every acknowledged token, revocation, secret and audit entry is looked up in the
# database; prints p99 latency and error counts per minute and exits 1 on any loss or any client
# error that was neither retried to success nor UNAVAILABLE.
#
#   Benchmarks/fault-soak.sh [--minutes N] [--seconds N] [--pgbouncer] [--debug | --bin DIR]
#     --minutes N   how long the load runs (default 5); --seconds N for shorter runs (tests)
#     --pgbouncer   replicas and commands reach PostgreSQL through PgBouncer (transaction pooling)
#     --debug       use the debug build instead of building release binaries
#     --bin DIR     use modal-server and modal from DIR, building nothing (the heavy test's way)
# Loopback only. Needs: postgresql, pgbouncer (with --pgbouncer), the test venv ($MODAL_TEST_VENV or .venv).
set -euo pipefail
# The whole script is one block, read before it runs: editing the file during a run cannot change it.
{
cd "$(dirname "$0")/.."
seconds=300
pooled=0
configuration=release
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) seconds=$(( $2 * 60 )); shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --pgbouncer) pooled=1; shift ;;
    --debug) configuration=debug; shift ;;
    --bin) bin=$2; configuration=given; shift 2 ;;
    *) echo "fault-soak.sh: unknown option $1 (see the comment at the top)" >&2; exit 2 ;;
  esac
done
(( seconds >= 20 && seconds <= 3600 )) || { echo "fault-soak.sh: the run must last 20 s to 60 min" >&2; exit 2; }
venv=${MODAL_TEST_VENV:-$PWD/.venv}
[[ -x "$venv/bin/python" ]] || { echo "fault-soak.sh: no Python venv at $venv (bash scripts/setup.sh --test)" >&2; exit 2; }
if [[ $configuration == release ]]; then
  swift build -c release --product modal-server >/dev/null
  swift build -c release --product modal >/dev/null
fi
[[ $configuration == given ]] || bin=$(swift build -c "$configuration" --show-bin-path)
server=$bin/modal-server
modal=$bin/modal
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d /tmp/modal-soak-XXXXXX)
chmod 755 "$work"
declare -A pids=()
other_pids=()
as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  for pid in "${pids[@]}" "${other_pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  [[ -f $work/pgbouncer/pgbouncer.pid ]] && kill -9 "$(cat "$work/pgbouncer/pgbouncer.pid")" 2>/dev/null || true
  as_postgres "$pgbin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# PostgreSQL with fsync on, as a deployment runs it.
mkdir -p "$work/pg"
if [[ $(id -u) -eq 0 ]]; then chown postgres "$work/pg"; fi
pg_port=$(free_port)
as_postgres "$pgbin/initdb" -D "$work/pg/data" -U modal -A trust -E UTF8 >/dev/null
pg_start() {
  as_postgres "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories=$work/pg -c max_connections=300" start \
    >/dev/null </dev/null
}
pg_start
as_postgres "$pgbin/psql" -h "$work/pg" -p "$pg_port" -U modal -d postgres -qc "CREATE DATABASE modal"
direct="postgres://modal@127.0.0.1:$pg_port/modal"
database=$direct
events=()
if (( pooled )); then
  bouncer_port=$(free_port)
  bouncer=$work/pgbouncer
  mkdir -p "$bouncer"
  printf '"modal" ""\n' > "$bouncer/users.txt"
  cat > "$bouncer/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$pg_port
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bouncer_port
unix_socket_dir =
auth_type = trust
auth_file = $bouncer/users.txt
pool_mode = transaction
server_login_retry = 1
default_pool_size = 40
max_client_conn = 1000
logfile = $bouncer/pgbouncer.log
pidfile = $bouncer/pgbouncer.pid
INI
  if [[ $(id -u) -eq 0 ]]; then chown -R postgres "$bouncer"; fi
  as_postgres /usr/sbin/pgbouncer -d "$bouncer/pgbouncer.ini" </dev/null >/dev/null 2>&1
  database="postgres://modal@127.0.0.1:$bouncer_port/modal"
  events=(--events-database "$direct")
fi

boot=$("$server" bootstrap --data-dir "$work/r0" --database "$database" --email soak@example.com --workspace soak --json)
owner_id=$(sed -n 's/.*"token_id" *: *"\([^"]*\)".*/\1/p' <<<"$boot")
owner_secret=$(sed -n 's/.*"token_secret" *: *"\([^"]*\)".*/\1/p' <<<"$boot")
for r in 1 2; do mkdir -m 700 "$work/r$r"; cp -p "$work/r0/server-keys" "$work/r$r/"; done
grpc_ports=() http_ports=()
for r in 0 1 2; do grpc_ports+=("$(free_port)"); http_ports+=("$(free_port)"); done
start_replica() {
  local r=$1 skip
  touch "$work/r$r.log"
  skip=$(( $(wc -l < "$work/r$r.log") + 1 ))
  "$server" serve --data-dir "$work/r$r" --database "$database" "${events[@]}" --flow-starts-per-minute 0 --quota-secrets 0 --quota-tokens 0 \
    --grpc-address "127.0.0.1:${grpc_ports[$r]}" --http-address "127.0.0.1:${http_ports[$r]}" 2>> "$work/r$r.log" &
  pids[$r]=$!
  for _ in $(seq 300); do tail -n "+$skip" "$work/r$r.log" | grep -q "gRPC listening" && return 0; sleep 0.1; done
  echo "replica $r did not start:" >&2; tail -20 "$work/r$r.log" >&2; return 1
}
for r in 0 1 2; do start_replica "$r"; done
urls=$(for r in 0 1 2; do printf 'http://127.0.0.1:%s,' "${grpc_ports[$r]}"; done); urls=${urls%,}

mode=$( (( pooled )) && echo "through PgBouncer 1.18 (transaction pooling)" || echo "direct" )
log "3 replicas over PostgreSQL $mode, load for $seconds s: python (4 workers) and swift (2 workers)"
load=(Benchmarks/fault-soak/load.py)
"$venv/bin/python" "${load[@]}" python "$work/ops.jsonl" "$seconds" 4 "$urls" "$owner_id" "$owner_secret" "$server" \
  "$work/r0" "$database" &
other_pids+=($!)
"$venv/bin/python" "${load[@]}" swift "$work/ops.jsonl" "$seconds" 2 "$urls" "$owner_id" "$owner_secret" "$server" \
  "$work/r0" "$database" "$modal" &
other_pids+=($!)
started=$(date +%s)

# Faults: a replica SIGKILLed at 30 s into every minute (30 s into the run when it is shorter than a
# minute) and restarted a second later; PostgreSQL restarted (fast shutdown) once, at 60% of the run.
kill_every=60; (( seconds < 90 )) && kill_every=$(( seconds * 3 / 8 ))
next_kill=$(( kill_every / 2 )); victim=0; pg_at=$(( seconds * 6 / 10 )); pg_done=0
while (( $(date +%s) - started < seconds )); do
  elapsed=$(( $(date +%s) - started ))
  if (( elapsed >= next_kill && elapsed < seconds - 5 )); then
    log "SIGKILL replica $victim (pid ${pids[$victim]})"
    kill -9 "${pids[$victim]}"; wait "${pids[$victim]}" 2>/dev/null || true
    sleep 1
    start_replica "$victim"
    log "replica $victim serving again"
    victim=$(( (victim + 1) % 3 )); next_kill=$(( next_kill + kill_every ))
  fi
  if (( !pg_done && elapsed >= pg_at )); then
    log "restarting PostgreSQL"
    as_postgres "$pgbin/pg_ctl" -D "$work/pg/data" -m fast -w -t 60 stop >/dev/null
    sleep 1
    pg_start
    log "PostgreSQL accepting connections again"
    pg_done=1
  fi
  sleep 0.5
done
for pid in "${other_pids[@]}"; do wait "$pid"; done
other_pids=()
log "load finished; checking what clients acknowledged against the database"

query() { as_postgres "$pgbin/psql" -h "$work/pg" -p "$pg_port" -U modal -d modal -XAtqc "$1"; }
query "SELECT 'token', id, COALESCE(revoked_at, 0) FROM tokens" > "$work/db.txt"
query "SELECT 'secret', name, 0 FROM secrets WHERE name IS NOT NULL" >> "$work/db.txt"
query "SELECT 'audit:' || action, CASE WHEN target_kind = 'secret' THEN target_name ELSE target_id END, 0 FROM audit_log" >> "$work/db.txt"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
"$venv/bin/python" Benchmarks/fault-soak/report.py "$work/ops.jsonl" "$work/db.txt" "$started" "$cpu, $(nproc) cores" "$mode"
exit
}
