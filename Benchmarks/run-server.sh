#!/usr/bin/env bash
# Authenticated ClientHello throughput and latency of modal-server, with load from h2load (nghttp2,
# not our code), beside a minimal gRPC C++ echo server (Benchmarks/rpc/echo_server.cc) under the
# same load in the same run. Prints requests/s, p50 and p99 for both and the ratio.
#   Benchmarks/run-server.sh [requests] [connections] [streams per connection]   (default 40000 8 8)
# Needs: apt-get install nghttp2-client g++ libgrpc++-dev protobuf-compiler-grpc
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-40000}
connections=${2:-8}
streams=${3:-8}
command -v h2load >/dev/null || { echo "install h2load: apt-get install -y nghttp2-client" >&2; exit 1; }
source Benchmarks/lib/servers.sh
server_arguments=(${SERVER_ARGUMENTS:-})
start_servers

run() {  # name url body [headers...]
  local name=$1 url=$2 body=$3
  shift 3
  h2load -n "$requests" -c "$connections" -m "$streams" -t 1 -d "$body" \
    -H 'content-type: application/grpc' -H 'te: trailers' "$@" --log-file "$work/$name.tsv" "$url" > "$work/$name.out"
  python3 - "$work/$name.tsv" "$work/$name.out" "$name" <<'PY'
import re, sys
durations = sorted(int(line.split("\t")[2]) for line in open(sys.argv[1]) if line.strip())
text = open(sys.argv[2]).read()
rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", text).group(1))
ok = re.search(r"(\d+) succeeded", text).group(1)
pick = lambda q: durations[min(len(durations) - 1, int(q * len(durations)))] / 1000
print(f"{sys.argv[3]}: {rps:,.0f} req/s, p50 {pick(0.5):.2f} ms, p99 {pick(0.99):.2f} ms ({ok} HTTP-succeeded)")
open(sys.argv[1] + ".rps", "w").write(str(rps))
PY
}

h2load -n 200 -c 1 -d "$work/empty.bin" -H 'content-type: application/grpc' -H 'te: trailers' \
  -H "x-modal-token-id: $id" -H "x-modal-token-secret: $secret" "http://127.0.0.1:$server_port/modal.client.ModalClient/ClientHello" >/dev/null
run modal-server "http://127.0.0.1:$server_port/modal.client.ModalClient/ClientHello" "$work/empty.bin" \
  -H "x-modal-token-id: $id" -H "x-modal-token-secret: $secret"
# The echo gets the same request headers: the gRPC core then parses the same bytes for both, and
# what differs is what each server does with the call.
run cpp-echo "http://127.0.0.1:$echo_port/bench.Echo/Unary" "$work/echo.bin" \
  -H "x-modal-token-id: $id" -H "x-modal-token-secret: $secret"
ok=$(grep -c "ClientHello OK" "$work/server.log" || true)
echo "modal-server logged $ok ClientHello calls with status OK (warm-up 200 + $requests measured)"
python3 -c "import sys; a=float(open('$work/modal-server.tsv.rps').read()); b=float(open('$work/cpp-echo.tsv.rps').read()); print(f'ratio modal-server / C++ echo: {a/b:.2f}')"
