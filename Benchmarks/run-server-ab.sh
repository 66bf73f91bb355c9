#!/usr/bin/env bash
# Two modal-server builds side by side: authenticated ClientHello under h2load, in alternating
# rounds (A then B, ROUNDS times, default 6), each build on a data folder of its own. For changes
# too small to see against the echo, whose own rate moves by a third between runs on a VM: here
# both sides of each ratio come from the same minute and the same placement.
#   [ROUNDS=6] [SERVER_CPUS=1 CLIENT_CPUS=0] Benchmarks/run-server-ab.sh A B [requests] [connections] [streams]
# A and B are modal-server executables (copy a release build aside before building the other).
# SERVER_CPUS and CLIENT_CPUS (taskset lists; default 1 and 0, empty for none) keep the servers
# off the load client's processor: at 1 connection x 1 stream, sharing it or not changes the rate
# by half, and the scheduler would pick either from round to round.
# Needs: apt-get install nghttp2-client
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $(grep -m1 'run-server-ab.sh A B' "$0" | sed 's/^# *//')" >&2; exit 2; }
builds=("$1" "$2")
requests=${3:-20000}
connections=${4:-1}
streams=${5:-1}
rounds=${ROUNDS:-6}
command -v h2load >/dev/null || { echo "install h2load: apt-get install -y nghttp2-client" >&2; exit 1; }
server_cpus=${SERVER_CPUS-1}
client_cpus=${CLIENT_CPUS-0}
server_prefix=(env)
client_prefix=(env)
[ -z "$server_cpus" ] || server_prefix+=(taskset -c "$server_cpus")
[ -z "$client_cpus" ] || client_prefix+=(taskset -c "$client_cpus")

work=$(mktemp -d)
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"' EXIT
printf '\x00\x00\x00\x00\x00' > "$work/empty.bin"   # the gRPC frame of google.protobuf.Empty

ids=() secrets=() ports=()
for index in 0 1; do
  boot=$("${builds[$index]}" bootstrap --data-dir "$work/data$index" --email bench@example.com --workspace bench --json)
  ids+=("$(sed -n 's/.*"token_id" *: *"\([^"]*\)".*/\1/p' <<<"$boot")")
  secrets+=("$(sed -n 's/.*"token_secret" *: *"\([^"]*\)".*/\1/p' <<<"$boot")")
  "${server_prefix[@]}" "${builds[$index]}" serve --data-dir "$work/data$index" --grpc-address 127.0.0.1:0 \
    --http-address 127.0.0.1:0 2> "$work/server$index.log" &
  pids+=($!)
  for _ in $(seq 100); do grep -q "gRPC listening" "$work/server$index.log" && break; sleep 0.1; done
  ports+=("$(sed -n 's/.*gRPC listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/server$index.log" | head -1)")
done

# Prints the rate of one h2load run against build INDEX.
rate() {  # index requests
  "${client_prefix[@]}" h2load -n "$2" -c "$connections" -m "$streams" -t 1 -d "$work/empty.bin" \
    -H 'content-type: application/grpc' -H 'te: trailers' -H "x-modal-token-id: ${ids[$1]}" \
    -H "x-modal-token-secret: ${secrets[$1]}" "http://127.0.0.1:${ports[$1]}/modal.client.ModalClient/ClientHello" |
    sed -n 's/.*finished in [^,]*, \([0-9.]*\) req\/s.*/\1/p'
}

rate 0 2000 >/dev/null
rate 1 2000 >/dev/null
for round in $(seq "$rounds"); do
  a=$(rate 0 "$requests")
  b=$(rate 1 "$requests")
  echo "$a $b" >> "$work/rounds"
  python3 -c "import sys; a, b = map(float, sys.argv[2:]); print(f'round {sys.argv[1]}: A {a:,.0f} req/s, B {b:,.0f} req/s, B/A {b / a:.2f}')" "$round" "$a" "$b"
done
python3 - "$work/rounds" <<'PY'
import statistics, sys
rows = [list(map(float, line.split())) for line in open(sys.argv[1])]
ratios = [b / a for a, b in rows]
print(f"A median {statistics.median(a for a, _ in rows):,.0f} req/s, B median {statistics.median(b for _, b in rows):,.0f} req/s; "
      f"B/A median {statistics.median(ratios):.2f}, B ahead in {sum(r > 1 for r in ratios)} of {len(ratios)} rounds")
PY
