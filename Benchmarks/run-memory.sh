#!/usr/bin/env bash
# Resident memory (RSS) of the release `modal-server serve` (SQLite): idle, holding idle HTTP/2
# connections, through minutes of authenticated ClientHello load (sampled each minute: flat means
# no growth), and with a million tokens stored. Bounded: the load runs for the given minutes.
#   Benchmarks/run-memory.sh [minutes of load] [idle connections] [tokens]   (default 10 1000 1000000)
# Needs: apt-get install nghttp2-client
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
connections=${2:-1000}
tokens=${3:-1000000}
command -v h2load >/dev/null || { echo "install h2load: apt-get install -y nghttp2-client" >&2; exit 1; }
source Benchmarks/lib/servers.sh
# The server holds one descriptor per connection.
ulimit -n "$(( $(ulimit -Hn) < connections + 256 ? $(ulimit -Hn) : connections + 256 ))"
bootstrap_modal_server
start_modal_server
printf '\x00\x00\x00\x00\x00' > "$work/empty.bin"
url="http://127.0.0.1:$server_port/modal.client.ModalClient/ClientHello"

rss() { awk '/^VmRSS/ {printf "%.1f MB", $2 / 1024}' "/proc/$server_pid/status"; }
hello() {  # h2load arguments...
  h2load -t 1 -d "$work/empty.bin" -H 'content-type: application/grpc' -H 'te: trailers' \
    -H "x-modal-token-id: $id" -H "x-modal-token-secret: $secret" "$@" "$url" > "$work/h2load.out"
  grep -q " 0 failed, 0 errored" "$work/h2load.out" || { cat "$work/h2load.out" >&2; exit 1; }
}

sleep 1
echo "idle, just started: $(rss)"
hello -n 20000 -c 8 -m 8
echo "after 20,000 calls (8 connections x 8 streams): $(rss)"

python3 Benchmarks/memory/idle_connections.py "$server_port" "$connections" > "$work/holder.out" &
holder=$!
pids+=($holder)
for _ in $(seq 600); do grep -q ready "$work/holder.out" && break; sleep 0.1; done
grep -q ready "$work/holder.out" || { echo "the idle connections did not open" >&2; exit 1; }
sleep 1
echo "with $connections idle connections: $(rss)"
kill "$holder"
wait "$holder" 2>/dev/null || true
sleep 2
echo "after they closed: $(rss)"

echo "load: $minutes minute(s) of ClientHello, 8 connections x 8 streams"
before=$(rss)
for minute in $(seq "$minutes"); do
  hello -D 60 -c 8 -m 8
  calls=$(sed -n 's/.* \([0-9]*\) succeeded.*/\1/p' "$work/h2load.out")
  echo "  minute $minute: $(rss) ($calls calls)"
done
echo "before the load: $before, after: $(rss)"

kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
python3 Benchmarks/memory/bulk_tokens.py "$work/data/modal-server.sqlite3" "$id" "$tokens" >/dev/null
start_modal_server
url="http://127.0.0.1:$server_port/modal.client.ModalClient/ClientHello"
sleep 1
echo "with $tokens more tokens stored, just started: $(rss)"
hello -n 20000 -c 8 -m 8
echo "after 20,000 calls: $(rss)"
