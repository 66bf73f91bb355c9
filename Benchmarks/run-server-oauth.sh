#!/usr/bin/env bash
# Authenticated ClientHello throughput of modal-server with OAuth client-secret headers
# (x-modal-refresh-token, x-modal-oauth-client-id, x-modal-oauth-client-secret, as Python modal
# 1.6.4 sends them) beside the token pair, in the same run, under h2load (nghttp2). Prints
# requests/s, p50 and p99 for both and the ratio (goal: at least 0.7).
#   Benchmarks/run-server-oauth.sh [requests] [connections] [streams per connection]   (default 40000 8 8)
# Assertions (x-modal-oauth-client-assertion) are not driven here: h2load sends the same headers
# on every request, and each assertion may be used once (its jti), so a repeated one is refused.
# Needs: apt-get install nghttp2-client g++ libgrpc++-dev protobuf-compiler-grpc
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-40000}
connections=${2:-8}
streams=${3:-8}
command -v h2load >/dev/null || { echo "install h2load: apt-get install -y nghttp2-client" >&2; exit 1; }
source Benchmarks/lib/servers.sh
start_servers

json_field() { sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p"; }
app=$(.build/release/modal-server oauth-app create --data-dir "$work/data" --workspace bench --name bench --json)
client_id=$(json_field client_id <<<"$app")
client_secret=$(json_field client_secret <<<"$app")
grant=$(.build/release/modal-server oauth-app grant --data-dir "$work/data" --workspace bench \
  --email bench@example.com --json "$client_id")
refresh_token=$(json_field refresh_token <<<"$grant")

url="http://127.0.0.1:$server_port/modal.client.ModalClient/ClientHello"
run() {  # name [headers...]
  local name=$1
  shift
  h2load -n 200 -c 1 -d "$work/empty.bin" -H 'content-type: application/grpc' -H 'te: trailers' "$@" "$url" >/dev/null
  h2load -n "$requests" -c "$connections" -m "$streams" -t 1 -d "$work/empty.bin" \
    -H 'content-type: application/grpc' -H 'te: trailers' "$@" --log-file "$work/$name.tsv" "$url" > "$work/$name.out"
  python3 - "$work/$name.tsv" "$work/$name.out" "$name" <<'PY'
import re, sys
durations = sorted(int(line.split("\t")[2]) for line in open(sys.argv[1]) if line.strip())
text = open(sys.argv[2]).read()
rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", text).group(1))
pick = lambda q: durations[min(len(durations) - 1, int(q * len(durations)))] / 1000
print(f"{sys.argv[3]}: {rps:,.0f} req/s, p50 {pick(0.5):.2f} ms, p99 {pick(0.99):.2f} ms")
open(sys.argv[1] + ".rps", "w").write(str(rps))
PY
}

run token-pair -H "x-modal-token-id: $id" -H "x-modal-token-secret: $secret"
run oauth-secret -H "x-modal-refresh-token: $refresh_token" -H "x-modal-oauth-client-id: $client_id" \
  -H "x-modal-oauth-client-secret: $client_secret"
ok=$(grep -c "ClientHello OK" "$work/server.log" || true)
echo "modal-server logged $ok ClientHello calls with status OK (2 x (200 warm-up + $requests measured) expected)"
python3 -c "a=float(open('$work/oauth-secret.tsv.rps').read()); b=float(open('$work/token-pair.tsv.rps').read()); print(f'ratio OAuth client secret / token pair: {a/b:.2f}')"
