#!/usr/bin/env bash
# Authenticated ClientHello throughput and latency of modal-server, with load from h2load (nghttp2,
# not our code), beside a minimal gRPC C++ echo server (Benchmarks/rpc/echo_server.cc) under the
# same load. The two are measured in interleaved rounds (ROUNDS, default 3; odd rounds run
# modal-server first, even rounds the echo first), so each ratio comes from a pair measured side by
# side, not from two runs minutes apart: the echo's own rate swings by 15 percent between runs on a
# VM. Prints each round's figures and ratios, then the medians.
#   [ROUNDS=3] Benchmarks/run-server.sh [requests] [connections] [streams per connection]   (default 40000 8 8)
# SERVER_CPUS=1 CLIENT_CPUS=0 keeps the servers off the load client's processor (Benchmarks/lib/servers.sh).
# Needs: apt-get install nghttp2-client g++ libgrpc++-dev protobuf-compiler-grpc
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-40000}
connections=${2:-8}
streams=${3:-8}
rounds=${ROUNDS:-3}
command -v h2load >/dev/null || { echo "install h2load: apt-get install -y nghttp2-client" >&2; exit 1; }
source Benchmarks/lib/servers.sh
start_servers

# One h2load run against one server; appends "rps p50 p99" (ms) to $work/NAME.rounds and prints
# the round's line.
run() {  # round name url body [headers...]
  local round=$1 name=$2 url=$3 body=$4
  shift 4
  "${client_prefix[@]}" h2load -n "$requests" -c "$connections" -m "$streams" -t 1 -d "$body" \
    -H 'content-type: application/grpc' -H 'te: trailers' "$@" --log-file "$work/$name.tsv" "$url" > "$work/$name.out"
  python3 - "$work/$name.tsv" "$work/$name.out" "$name" "$round" "$work/$name.rounds" <<'PY'
import re, sys
durations = sorted(int(line.split("\t")[2]) for line in open(sys.argv[1]) if line.strip())
text = open(sys.argv[2]).read()
rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", text).group(1))
ok = re.search(r"(\d+) succeeded", text).group(1)
pick = lambda q: durations[min(len(durations) - 1, int(q * len(durations)))] / 1000
print(f"round {sys.argv[4]} {sys.argv[3]}: {rps:,.0f} req/s, p50 {pick(0.5):.2f} ms, p99 {pick(0.99):.2f} ms ({ok} HTTP-succeeded)")
open(sys.argv[5], "a").write(f"{rps} {pick(0.5)} {pick(0.99)}\n")
PY
}
server() {
  run "$1" modal-server "http://127.0.0.1:$server_port/modal.client.ModalClient/ClientHello" "$work/empty.bin" \
    -H "x-modal-token-id: $id" -H "x-modal-token-secret: $secret"
}
# The echo gets the same request headers: the gRPC core then parses the same bytes for both, and
# what differs is what each server does with the call.
echo_server() {
  run "$1" cpp-echo "http://127.0.0.1:$echo_port/bench.Echo/Unary" "$work/echo.bin" \
    -H "x-modal-token-id: $id" -H "x-modal-token-secret: $secret"
}

h2load -n 200 -c 1 -d "$work/empty.bin" -H 'content-type: application/grpc' -H 'te: trailers' \
  -H "x-modal-token-id: $id" -H "x-modal-token-secret: $secret" "http://127.0.0.1:$server_port/modal.client.ModalClient/ClientHello" >/dev/null
for round in $(seq "$rounds"); do
  if ((round % 2)); then server "$round"; echo_server "$round"; else echo_server "$round"; server "$round"; fi
done
ok=$(grep -c "ClientHello OK" "$work/server.log" || true)
echo "modal-server logged $ok ClientHello calls with status OK (warm-up 200 + $rounds x $requests measured)"
python3 - "$work/modal-server.rounds" "$work/cpp-echo.rounds" <<'PY'
import statistics, sys
server = [list(map(float, line.split())) for line in open(sys.argv[1])]
echo = [list(map(float, line.split())) for line in open(sys.argv[2])]
ratios = [s[0] / e[0] for s, e in zip(server, echo)]
p99s = [s[2] / e[2] for s, e in zip(server, echo)]
for index, (ratio, p99) in enumerate(zip(ratios, p99s), 1):
    print(f"round {index} ratio modal-server / C++ echo: {ratio:.2f}, p99 {p99:.2f}x the echo's")
median = lambda rows, column: statistics.median(row[column] for row in rows)
for name, rows in (("modal-server", server), ("cpp-echo", echo)):
    print(f"{name} (median of {len(rows)} rounds): {median(rows, 0):,.0f} req/s, p50 {median(rows, 1):.2f} ms, "
          f"p99 {median(rows, 2):.2f} ms")
print(f"ratio modal-server / C++ echo: median {statistics.median(ratios):.2f}, lowest {min(ratios):.2f} "
      f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)}); p99 median {statistics.median(p99s):.2f}x, "
      f"highest {max(p99s):.2f}x the echo's")
PY
