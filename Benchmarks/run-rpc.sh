#!/usr/bin/env bash
# gRPC unary round trips: our Swift client (RPC module) against gRPC's own C++ client, both calling
# the same minimal C++ echo server (Benchmarks/rpc/echo_server.cc) in one run. Builds everything in
# release, runs interleaved rounds, prints medians and the ratio, then checks that memory stays flat
# over 10,000 sequential calls.
#
#   Benchmarks/run-rpc.sh [rounds] [calls per round] [concurrency] [payload bytes]
#
# With RPC_BENCH_SPLIT_CPUS=1 the server runs on CPU 1 and every client on CPU 0 (taskset), so that
# client and server never share a core and a client's threads always wake each other on one core.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-9}"
calls="${2:-10000}"
concurrency="${3:-1}"
payload="${4:-32}"
server_cpu=()
client_cpu=()
if [[ "${RPC_BENCH_SPLIT_CPUS:-0}" == 1 ]]; then
  server_cpu=(taskset -c 1)
  client_cpu=(taskset -c 0)
  echo "split CPUs: the server on CPU 1, the clients on CPU 0" >&2
fi

cpp_dir="$PWD/.build-rpc-cpp"
echo "building the C++ echo server and client..." >&2
Benchmarks/rpc/build.sh "$cpp_dir" >/dev/null
echo "building rpc-benchmark (release)..." >&2
swift build -c release --scratch-path .build-rpc --product rpc-benchmark >/dev/null
swift_bin="$(swift build -c release --scratch-path .build-rpc --show-bin-path)/rpc-benchmark"

server_out="$(mktemp)"
"${server_cpu[@]}" "$cpp_dir/echo_server" >"$server_out" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; rm -f "$server_out"' EXIT
for _ in $(seq 50); do grep -q PORT "$server_out" && break; sleep 0.1; done
port="$(awk '/PORT/ {print $2}' "$server_out")"
[[ -n "$port" ]] || { echo "run-rpc.sh: the C++ echo server did not start" >&2; exit 1; }

results="$(mktemp)"
for round in $(seq "$rounds"); do
  # Alternate the order so that neither client always runs first.
  if ((round % 2)); then order="cpp swift swift-poller"; else order="swift-poller swift cpp"; fi
  for client in $order; do
    case "$client" in
      cpp) line="$("${client_cpu[@]}" "$cpp_dir/echo_client" "$port" "$calls" "$concurrency" "$payload")" ;;
      swift) line="$("${client_cpu[@]}" "$swift_bin" latency "$port" "$calls" "$concurrency" "$payload")" ;;
      swift-poller) line="$("${client_cpu[@]}" "$swift_bin" latency "$port" "$calls" "$concurrency" "$payload" poller)" ;;
    esac
    echo "$client $line" >>"$results"
    echo "round $round $client $line" >&2
  done
done

python3 - "$results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    client, *fields = line.split()
    values = dict(field.split("=") for field in fields)
    rows.setdefault(client, []).append({k: float(v) for k, v in values.items()})
def median(client, key):
    return statistics.median(row[key] for row in rows[client])
print(f"{'client':<14}{'rounds':>7}{'rps (median)':>15}{'p50 us':>10}{'p99 us':>10}")
for client in ("cpp", "swift", "swift-poller"):
    print(f"{client:<14}{len(rows[client]):>7}{median(client, 'rps'):>15.0f}{median(client, 'p50_us'):>10.1f}{median(client, 'p99_us'):>10.1f}")
cpp = median("cpp", "rps")
for client in ("swift", "swift-poller"):
    ratio = median(client, "rps") / cpp
    verdict = "goal met: at least 0.90" if ratio >= 0.9 else "goal missed: below 0.90"
    print(f"{client} / cpp round trips per second: {ratio:.3f} ({verdict})")
PY
rm -f "$results"

echo "memory: 10,000 sequential calls (RSS after 1,000 and after 10,000)"
"$swift_bin" memory "$port" "$payload"
