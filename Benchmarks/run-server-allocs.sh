#!/usr/bin/env bash
# Allocations, CPU time and context switches per authenticated ClientHello in modal-server, beside
# the gRPC C++ echo server doing the same gRPC work under the same h2load load in the same run.
# These figures depend little on the CPU model (unlike requests per second), so a gap here is a gap
# on every machine. Voluntary context switches (a thread blocked: it waited for a wake-up) are the
# process's own count (getrusage, through the malloc counter), which includes threads that have
# exited; involuntary ones (preempted) depend on the load.
#   Benchmarks/run-server-allocs.sh [requests] [connections] [streams per connection]   (default 20000 8 8)
# Needs: apt-get install nghttp2-client g++ libgrpc++-dev protobuf-compiler-grpc
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-20000}
connections=${2:-8}
streams=${3:-8}
command -v h2load >/dev/null || { echo "install h2load: apt-get install -y nghttp2-client" >&2; exit 1; }
source Benchmarks/lib/servers.sh
gcc -O2 -Wall -shared -fPIC -o "$work/malloc_count.so" Benchmarks/malloc-count/malloc_count.c -ldl
server_prefix=(env ${SERVER_ENV:-} MALLOC_COUNT_FILE="$work/server.count" LD_PRELOAD="$work/malloc_count.so")
echo_prefix=(env MALLOC_COUNT_FILE="$work/echo.count" LD_PRELOAD="$work/malloc_count.so")
start_servers

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
snapshot() { kill -USR1 "$1"; sleep 0.3; cat "$2"; }
measure() {  # name pid countfile url body [headers...]
  local name=$1 pid=$2 file=$3 url=$4 body=$5
  shift 5
  h2load -n 2000 -c "$connections" -m "$streams" -t 1 -d "$body" -H 'content-type: application/grpc' -H 'te: trailers' \
    "$@" "$url" >/dev/null
  sleep 0.5
  read -r m0 f0 b0 v0 n0 < <(snapshot "$pid" "$file")
  local t0; t0=$(cpu_ticks "$pid")
  h2load -n "$requests" -c "$connections" -m "$streams" -t 1 -d "$body" -H 'content-type: application/grpc' \
    -H 'te: trailers' "$@" "$url" > "$work/$name.out"
  sleep 0.5
  local t1; t1=$(cpu_ticks "$pid")
  read -r m1 f1 b1 v1 n1 < <(snapshot "$pid" "$file")
  local ok; ok=$(sed -n 's/.* \([0-9]*\) succeeded.*/\1/p' "$work/$name.out")
  python3 -c "
m=($m1-$m0)/$requests; f=($f1-$f0)/$requests; b=($b1-$b0)/$requests; cpu=($t1-$t0)/$(getconf CLK_TCK)/$requests*1e6
v=($v1-$v0)/$requests; n=($n1-$n0)/$requests
print(f'$name: {m:.1f} allocations, {f:.1f} frees, {b:,.0f} bytes allocated, {cpu:.1f} µs CPU, '
      f'{v:.2f} voluntary and {n:.2f} involuntary context switches per request ($ok/$requests succeeded)')
open('$work/$name.result','w').write(f'{m} {cpu} {v}')"
}
measure modal-server "$server_pid" "$work/server.count" "http://127.0.0.1:$server_port/modal.client.ModalClient/ClientHello" \
  "$work/empty.bin" -H "x-modal-token-id: $id" -H "x-modal-token-secret: $secret"
measure cpp-echo "$echo_pid" "$work/echo.count" "http://127.0.0.1:$echo_port/bench.Echo/Unary" "$work/echo.bin" \
  -H "x-modal-token-id: $id" -H "x-modal-token-secret: $secret"
python3 -c "
a=[float(x) for x in open('$work/modal-server.result').read().split()]; b=[float(x) for x in open('$work/cpp-echo.result').read().split()]
print(f'ratio modal-server / C++ echo: allocations {a[0]/b[0]:.2f}x, CPU time {a[1]/b[1]:.2f}x, '
      f'voluntary context switches {a[2]/max(b[2], 1e-9):.2f}x')"
