#!/usr/bin/env bash
# Authenticated ClientHello throughput of modal-server with the three credentials Python modal
# 1.6.4 sends: a token pair, OAuth client-secret headers, and OAuth client assertions (a new RS256
# private_key_jwt with a fresh jti on every call, so its signature check and jti replay cache are on
# the hot path). One load client (Benchmarks/oauth-load, our gRPC client) drives all three in the
# same run with the same connections and streams, so the ratios are fair; it builds every call's
# headers, assertions included, before its clock starts. Prints requests/s, p50 and p99 for each and
# the ratios to the token pair (goal: at least 0.7), and the CPU time per call of the load client
# and of the server (user + system over the measured calls, read by the load client from /proc),
# which other load on the machine disturbs less. With ALLOCS=1 the server runs under
# Benchmarks/malloc-count and each line also gives its allocations per call (warm-up included).
#
# The loads run ROUNDS times (default 3), one after the other in each round, so each round's
# ratios compare loads taken within seconds of each other; the summary gives the median of the
# rounds' ratios, and the ratio of CPU time per call (server + load client, medians), which
# predicts the throughput ratio of a machine where the two share the cores and varies less.
#
# A fourth load, token-pair-padded, sends the token pair plus an unused header exactly as long as
# an assertion of the app's key, new on every call: the server ignores it, so its ratio is what the
# assertion's bytes alone cost the two gRPC cores, the kernel and our metadata handling, apart from
# verifying it.
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
  server_prefix=(env ${SERVER_ENV:-} MALLOC_COUNT_FILE="$work/server.count" LD_PRELOAD="$work/malloc_count.so")
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

allocations() {  # the server's malloc calls so far (0 without ALLOCS)
  [ -n "${ALLOCS:-}" ] || { echo 0; return; }
  kill -USR1 "$server_pid"; sleep 0.3; cut -d' ' -f1 "$work/server.count"
}
load() {  # mode round: prints the load client's line, with the server's CPU time (and allocations) per call
  local mallocs
  mallocs=$(allocations)
  OAUTH_LOAD_SERVER_PID=$server_pid .build/release/oauth-load "$server_port" "$requests" "$connections" "$streams" "$1" \
    > "$work/$1.out"
  mallocs=$(($(allocations) - mallocs))
  echo "round $2: $(cat "$work/$1.out")$(
    [ -z "${ALLOCS:-}" ] || python3 -c "print(f', {$mallocs / $((requests + 200)):.1f} allocations/call (warm-up included)')")"
  # One line per round: requests/s, then the client's and the server's CPU time per call.
  sed -n 's/^[a-z-]*: \([0-9]*\) req\/s.*client CPU \([0-9]*\) us\/call, server CPU \([0-9]*\) us.*/\1 \2 \3/p' \
    "$work/$1.out" >> "$work/$1.rounds"
}
echo "load: $requests ClientHello calls per credential, $connections connections x $streams streams; load average $(cut -d' ' -f1-3 /proc/loadavg)"
pair_grant=$(grant "$secret_client")
key_grant=$(grant "$key_client")
client_secret=$(json_field client_secret <<<"$secret_app")
for round in $(seq "${ROUNDS:-3}"); do
  MODAL_TOKEN_ID=$id MODAL_TOKEN_SECRET=$secret load token-pair "$round"
  MODAL_OAUTH_REFRESH_TOKEN=$pair_grant MODAL_OAUTH_CLIENT_ID=$secret_client MODAL_OAUTH_CLIENT_SECRET=$client_secret \
    load oauth-secret "$round"
  MODAL_OAUTH_REFRESH_TOKEN=$key_grant MODAL_OAUTH_CLIENT_ID=$key_client MODAL_OAUTH_JWT_KEY=$work/app-key.pem \
    load oauth-assertion "$round"
  MODAL_TOKEN_ID=$id MODAL_TOKEN_SECRET=$secret MODAL_OAUTH_CLIENT_ID=$key_client MODAL_OAUTH_JWT_KEY=$work/app-key.pem \
    load token-pair-padded "$round"
done
ok=$(grep -c "ClientHello OK" "$work/server.log" || true)
echo "modal-server logged $ok ClientHello calls with status OK (${ROUNDS:-3} rounds x 4 loads x (200 warm-up + $requests measured) expected)"
python3 - "$work" <<'PY'
import statistics, sys
work = sys.argv[1]
def rounds(mode):  # [(requests/s, client CPU us, server CPU us)] per round
    return [tuple(map(int, line.split())) for line in open(f"{work}/{mode}.rounds")]
pair = rounds("token-pair")
for mode in ("oauth-secret", "oauth-assertion", "token-pair-padded"):
    mine = rounds(mode)
    ratios = [m[0] / p[0] for m, p in zip(mine, pair)]
    cpu = lambda rows: statistics.median(r[1] + r[2] for r in rows)
    print(f"ratio {mode} / token pair: {statistics.median(ratios):.2f} (median of rounds: "
          + ", ".join(f"{r:.2f}" for r in ratios) + f"); CPU per call, server + client: "
          + f"{cpu(mine)} us against {cpu(pair)} us, ratio {cpu(pair) / cpu(mine):.2f}")
PY
