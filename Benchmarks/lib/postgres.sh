# Shared by the replica benchmarks: sourced, not run. A throwaway PostgreSQL cluster on 127.0.0.1
# in a fresh $work folder, stopped and removed at exit with every process listed in pids.
# Sets: bin (PostgreSQL's programs), work, pids, database (the URL of database `modal`).
# Uses max_connections=$pg_max_connections when set (default PostgreSQL's).

bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d /tmp/modal-bench-XXXXXX)
chmod 755 "$work"
pids=()
as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  as_postgres "$bin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# As the benchmark's database, with fsync on (the default) like a real deployment.
mkdir -p "$work/pg"
if [[ $(id -u) -eq 0 ]]; then chown postgres "$work/pg"; fi
pg_port=$(free_port)
as_postgres "$bin/initdb" -D "$work/pg/data" -U modal -A trust -E UTF8 >/dev/null
as_postgres "$bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories=$work/pg${pg_max_connections:+ -c max_connections=$pg_max_connections}" \
  start >/dev/null </dev/null
as_postgres "$bin/psql" -h "$work/pg" -p "$pg_port" -U modal -d postgres -qc "CREATE DATABASE modal"
database="postgres://modal@127.0.0.1:$pg_port/modal"
