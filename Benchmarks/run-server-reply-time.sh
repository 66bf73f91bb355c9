#!/usr/bin/env bash
# How long modal-server works on a lone call between reading its request and writing its reply,
# beside the gRPC C++ echo server: authenticated ClientHello and the echo's Unary, one connection,
# one stream, the servers on processor 1 and h2load on 0 (SERVER_CPUS, CLIENT_CPUS). `perf record`
# traces each server's sendmsg and recvmsg system calls over `requests` calls; the time from the
# recvmsg that returned a request to the sendmsg of its reply has no system call in it, so it is
# the server's own work (the figure behind docs/benchmarks.md, fourteenth session). Tracing slows
# both servers a little.
#   [SKIP_BUILD=1] [MODAL_SERVER_BINARY=path] Benchmarks/run-server-reply-time.sh [requests]   (default 5000)
# Needs: apt-get install linux-perf nghttp2-client, and tracepoints readable (root, or
# kernel.perf_event_paranoid at most -1).
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-5000}
command -v h2load >/dev/null || { echo "install h2load: apt-get install -y nghttp2-client" >&2; exit 1; }
command -v perf >/dev/null || { echo "install perf: apt-get install -y linux-perf" >&2; exit 1; }
SERVER_CPUS=${SERVER_CPUS-1}
CLIENT_CPUS=${CLIENT_CPUS-0}
source Benchmarks/lib/servers.sh
start_servers

trace() {  # name pid url body [headers...]
  local name=$1 pid=$2 url=$3 body=$4
  shift 4
  local load=("${client_prefix[@]}" h2load -c 1 -m 1 -t 1 -d "$body" -H 'content-type: application/grpc'
    -H 'te: trailers' "$@" "$url")
  "${load[@]}" -n 2000 >/dev/null
  perf record -q -e 'syscalls:sys_enter_sendmsg' -e 'syscalls:sys_exit_recvmsg' -o "$work/$name.perf" -p "$pid" \
    2> "$work/$name.perf.log" &
  local recorder=$!
  sleep 0.5
  "${load[@]}" -n "$requests" > "$work/$name.out"
  kill -INT "$recorder"
  wait "$recorder" || true
  grep -q " $requests succeeded" "$work/$name.out" || { echo "$name: not every call succeeded" >&2; cat "$work/$name.out" >&2; exit 1; }
  perf script --ns -i "$work/$name.perf" -F tid,time,event,trace 2>/dev/null | python3 Benchmarks/reply-time/reply_time.py "$name"
}
trace modal-server "$server_pid" "http://127.0.0.1:$server_port/modal.client.ModalClient/ClientHello" "$work/empty.bin" \
  -H "x-modal-token-id: $id" -H "x-modal-token-secret: $secret"
trace cpp-echo "$echo_pid" "http://127.0.0.1:$echo_port/bench.Echo/Unary" "$work/echo.bin"
