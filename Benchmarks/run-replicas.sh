#!/usr/bin/env bash
# modal-server replicas over one PostgreSQL (a throwaway cluster on 127.0.0.1): authenticated
# ClientHello throughput with 1, 2 and 3 replicas under h2load (the same total connections spread
# over the replicas), beside the gRPC C++ echo server in the same run; then how long a revocation
# committed through one replica's machine takes to be enforced by another (p50, p99).
#   Benchmarks/run-replicas.sh [requests] [connections] [streams] [revocation rounds]   (default 40000 8 8 100)
# Needs: postgresql, nghttp2-client, g++ libgrpc++-dev protobuf-compiler-grpc, the test venv (.venv).
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-40000}
connections=${2:-8}
streams=${3:-8}
rounds=${4:-100}
command -v h2load >/dev/null || { echo "install h2load: apt-get install -y nghttp2-client" >&2; exit 1; }
swift build -c release --product modal-server >/dev/null
server=$PWD/.build/release/modal-server
cpp=$(bash Benchmarks/rpc/build.sh)
pg_max_connections=200
source Benchmarks/lib/postgres.sh

boot=$("$server" bootstrap --data-dir "$work/r0" --database "$database" --email bench@example.com --workspace bench --json)
id=$(sed -n 's/.*"token_id" *: *"\([^"]*\)".*/\1/p' <<<"$boot")
secret=$(sed -n 's/.*"token_secret" *: *"\([^"]*\)".*/\1/p' <<<"$boot")
for r in 1 2; do mkdir -m 700 "$work/r$r"; cp -p "$work/r0/server-keys" "$work/r$r/"; done
ports=()
for r in 0 1 2; do
  "$server" serve --data-dir "$work/r$r" --database "$database" --grpc-address 127.0.0.1:0 --http-address 127.0.0.1:0 \
    2> "$work/r$r.log" &
  pids+=($!)
done
for r in 0 1 2; do
  for _ in $(seq 100); do grep -q "gRPC listening" "$work/r$r.log" && break; sleep 0.1; done
  ports+=("$(sed -n 's/.*gRPC listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/r$r.log" | head -1)")
done
echo_port=$(free_port)
"$cpp/echo_server" "$echo_port" 2> "$work/echo.log" &
pids+=($!)
sleep 0.5

printf '\x00\x00\x00\x00\x00' > "$work/empty.bin"
{ printf '\x00\x00\x00\x00\x22\x0a\x20'; head -c 32 /dev/zero; } > "$work/echo.bin"
hello=(-H 'content-type: application/grpc' -H 'te: trailers' -H "x-modal-token-id: $id" -H "x-modal-token-secret: $secret")
for r in 0 1 2; do
  h2load -n 500 -c 1 -d "$work/empty.bin" "${hello[@]}" "http://127.0.0.1:${ports[$r]}/modal.client.ModalClient/ClientHello" >/dev/null
done

rps_of() { sed -n 's/.*finished in [0-9.]*[a-z]*, \([0-9.]*\) req\/s.*/\1/p' "$1"; }
ok_of() { sed -n 's/.* \([0-9]*\) succeeded.*/\1/p' "$1"; }

# n replicas: n h2load processes at once, each with connections/n connections and requests/n requests.
for n in 1 2 3; do
  per_conn=$(( connections / n > 0 ? connections / n : 1 ))
  h2pids=()
  for r in $(seq 0 $((n - 1))); do
    h2load -n $((requests / n)) -c "$per_conn" -m "$streams" -t 1 -d "$work/empty.bin" "${hello[@]}" \
      "http://127.0.0.1:${ports[$r]}/modal.client.ModalClient/ClientHello" > "$work/h2-$n-$r.out" &
    h2pids+=($!)
  done
  for pid in "${h2pids[@]}"; do wait "$pid"; done
  total=0
  for r in $(seq 0 $((n - 1))); do total=$(python3 -c "print($total + $(rps_of "$work/h2-$n-$r.out"))"); done
  echo "$n replica(s): $(printf '%.0f' "$total") req/s ClientHello (HTTP-succeeded: $(for r in $(seq 0 $((n - 1))); do ok_of "$work/h2-$n-$r.out"; done | paste -sd+ | bc))"
  echo "$total" > "$work/total-$n"
done
h2load -n "$requests" -c "$connections" -m "$streams" -t 1 -d "$work/echo.bin" -H 'content-type: application/grpc' \
  -H 'te: trailers' "http://127.0.0.1:$echo_port/bench.Echo/Unary" > "$work/echo.out"
echo_rps=$(rps_of "$work/echo.out")
echo "gRPC C++ echo server (one process): $(printf '%.0f' "$echo_rps") req/s"
for n in 1 2 3; do
  python3 -c "print(f'ratio {$n} replica(s) / C++ echo: {$(cat "$work/total-$n") / $echo_rps:.2f}')"
done
not_ok=$(grep -h "ClientHello" "$work"/r*.log | grep -vc " OK " || true)
echo "calls logged with a status other than OK: $not_ok"

# Revocation: committed through replica 0's machine, probed on replica 2.
"$PWD/.venv/bin/python" Benchmarks/replicas/revocation_probe.py "$rounds" "$server" "$work/r0" "$database" \
  "http://127.0.0.1:${ports[2]}"
