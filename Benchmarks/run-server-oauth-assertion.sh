#!/usr/bin/env bash
# Authenticated ClientHello throughput of modal-server with the three credentials Python modal
# 1.6.4 sends: a token pair, OAuth client-secret headers, and OAuth client assertions (a new RS256
# private_key_jwt with a fresh jti on every call, so its signature check and jti replay cache are on
# the hot path). One load client (Benchmarks/oauth-load, our gRPC client) drives all three in the
# same run with the same connections and streams, so the ratios are fair; it builds every call's
# headers, assertions included, before its clock starts. Prints requests/s, p50 and p99 for each and
# the ratios to the token pair (goal: at least 0.7), and the server's CPU time per call (user +
# system, from /proc, warm-up included), which other load on the machine disturbs less. With
# ALLOCS=1 the server runs under Benchmarks/malloc-count and each line also gives its allocations
# per call (warm-up included, as the CPU time).
#   Benchmarks/run-server-oauth-assertion.sh [requests] [connections] [streams per connection]   (default 20000 8 8)
# Needs: scripts/setup.sh (openssl for the app's key).
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-20000}
connections=${2:-8}
streams=${3:-8}
source Benchmarks/lib/servers.sh
if [ -n "${ALLOCS:-}" ]; then
  gcc -O2 -Wall -shared -fPIC -o "$work/malloc_count.so" Benchmarks/malloc-count/malloc_count.c -ldl
  server_prefix=(env MALLOC_COUNT_FILE="$work/server.count" LD_PRELOAD="$work/malloc_count.so")
fi
[ -n "${SKIP_BUILD:-}" ] || swift build -c release --product oauth-load >/dev/null
bootstrap_modal_server
start_modal_server
[ -n "$server_port" ] || { cat "$work/server.log" >&2; exit 1; }

json_field() { sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p"; }
oauth_app() {  # subcommand [arguments...]
  .build/release/modal-server oauth-app "$1" --data-dir "$work/data" --workspace bench "${@:2}"
}
grant() {  # client_id: prints the refresh token of a grant to bench@example.com
  oauth_app grant --email bench@example.com --json "$1" | json_field refresh_token
}
secret_app=$(oauth_app create --name bench-secret --json)
secret_client=$(json_field client_id <<<"$secret_app")
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/app-key.pem" 2>/dev/null
openssl pkey -in "$work/app-key.pem" -pubout -out "$work/app-key.pub.pem"
key_client=$(oauth_app create --name bench-key --public-key "$work/app-key.pub.pem" --json | json_field client_id)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }  # the server's user + system time
allocations() {  # the server's malloc calls so far (0 without ALLOCS)
  [ -n "${ALLOCS:-}" ] || { echo 0; return; }
  kill -USR1 "$server_pid"; sleep 0.3; cut -d' ' -f1 "$work/server.count"
}
load() {  # mode: prints the load client's line and the server's CPU time (and allocations) per call
  local before mallocs
  before=$(cpu_ticks)
  mallocs=$(allocations)
  .build/release/oauth-load "$server_port" "$requests" "$connections" "$streams" "$1" > "$work/$1.out"
  local used=$(($(cpu_ticks) - before)) calls=$((requests + 200))
  mallocs=$(($(allocations) - mallocs))
  echo "$(cat "$work/$1.out"), server CPU $((used * 1000000 / $(getconf CLK_TCK) / calls)) us/call$(
    [ -z "${ALLOCS:-}" ] || python3 -c "print(f', {$mallocs / $calls:.1f} allocations/call')")"
  sed -n 's/^[a-z-]*: \([0-9]*\) req\/s.*/\1/p' "$work/$1.out" > "$work/$1.rps"
}
echo "load: $requests ClientHello calls per credential, $connections connections x $streams streams; load average $(cut -d' ' -f1-3 /proc/loadavg)"
MODAL_TOKEN_ID=$id MODAL_TOKEN_SECRET=$secret load token-pair
MODAL_OAUTH_REFRESH_TOKEN=$(grant "$secret_client") MODAL_OAUTH_CLIENT_ID=$secret_client \
  MODAL_OAUTH_CLIENT_SECRET=$(json_field client_secret <<<"$secret_app") load oauth-secret
MODAL_OAUTH_REFRESH_TOKEN=$(grant "$key_client") MODAL_OAUTH_CLIENT_ID=$key_client \
  MODAL_OAUTH_JWT_KEY=$work/app-key.pem load oauth-assertion
ok=$(grep -c "ClientHello OK" "$work/server.log" || true)
echo "modal-server logged $ok ClientHello calls with status OK (3 x (200 warm-up + $requests measured) expected)"
pair=$(cat "$work/token-pair.rps")
for mode in oauth-secret oauth-assertion; do
  python3 -c "print(f'ratio $mode / token pair: {$(cat "$work/$mode.rps") / $pair:.2f}')"
done
