#!/usr/bin/env bash
# Runs every benchmark beside its reference and prints one table of the ratios, so each figure in
# README.md and docs/benchmarks.md can be re-checked on another machine. Run it on an idle machine:
# the ratios are measured side by side in one run, but other load still widens their spread.
#   Benchmarks/run-all.sh            (about 24 minutes on 2 cores, 10 of them the memory soak)
# Needs what the individual scripts need (see each script's header): scripts/setup.sh --test,
# nghttp2-client, hyperfine, g++ libgrpc++-dev protobuf-compiler-grpc, postgresql, chromium
# chromium-driver.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "machine: $cpu, $(nproc) cores, $(uname -sr)"

run() {  # name command...
  local name=$1
  shift
  echo "== $name: $*" >&2
  if "$@" > "$out/$name.log" 2>&1; then :; else echo "($name failed: see its output below)" >&2; cat "$out/$name.log" >&2; fi
}
run toml Benchmarks/run-toml.sh 3 15 5
run rpc Benchmarks/run-rpc.sh 5 10000 1 32
# The server rows are medians of interleaved rounds (ROUNDS, default 3); each round's own lines
# start with "round N" and stay out of the table below.
run server Benchmarks/run-server.sh 40000 8 8
run server-1x1 Benchmarks/run-server.sh 10000 1 1
run server-64x16 Benchmarks/run-server.sh 40000 64 16
run server-allocs Benchmarks/run-server-allocs.sh 20000 8 8
run cli-startup Benchmarks/run-cli-startup.sh
run oauth-assertion Benchmarks/run-server-oauth-assertion.sh 20000 8 8
run replicas Benchmarks/run-replicas.sh 40000 8 8 100
run memory Benchmarks/run-memory.sh 10 1000 1000000
run login-latency Benchmarks/run-login-latency.sh 20

echo
echo "| benchmark | figure |"
echo "|---|---|"
for name in toml rpc server server-1x1 server-64x16 server-allocs cli-startup oauth-assertion replicas memory login-latency; do
  grep -hiE "ratio|/ cpp|/ c\+\+|p50|p99| MB" "$out/$name.log" 2>/dev/null | grep -viE "^building|warm|^round [0-9]" | while read -r line; do
    echo "| $name | $line |"
  done
done
