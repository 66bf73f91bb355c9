#!/usr/bin/env bash
# A leaked token reported by GitHub's secret scanning, refused by every replica: two modal-server
# replicas over one PostgreSQL (a throwaway cluster on 127.0.0.1), each serving
# POST /secret-scanning/github with a key made here. Each round creates a token, has both
# replicas verify (and cache) it, posts a signed report to one replica and times until both
# refuse the token; prints every round and the median and max (milliseconds).
#   Benchmarks/run-leak-revocation.sh [rounds]   (default 20)
# Needs: postgresql, openssl, the test venv (.venv with the Python client, for the probe).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
swift build -c release --product modal-server >/dev/null
server=$PWD/.build/release/modal-server
python=${MODAL_TEST_VENV:-$PWD/.venv}/bin/python
source Benchmarks/lib/postgres.sh

# The partner's key pair and the keys document GitHub would publish.
openssl ecparam -name prime256v1 -genkey -noout -out "$work/partner.pem"
openssl ec -in "$work/partner.pem" -pubout -out "$work/partner.pub" 2>/dev/null
key_id=bench-key
python3 -c 'import json,sys; print(json.dumps({"public_keys":[{"key_identifier":sys.argv[1],"key":open(sys.argv[2]).read(),"is_current":True}]}))' \
  "$key_id" "$work/partner.pub" > "$work/keys.json"

"$server" bootstrap --data-dir "$work/r0" --database "$database" --email bench@example.com --workspace bench --json >/dev/null
mkdir -m 700 "$work/r1"
cp -p "$work/r0/server-keys" "$work/r1/"
grpc=()
http=()
for r in 0 1; do
  "$server" serve --data-dir "$work/r$r" --database "$database" --grpc-address 127.0.0.1:0 --http-address 127.0.0.1:0 \
    --secret-scanning-keys "$work/keys.json" 2> "$work/r$r.log" &
  pids+=($!)
done
for r in 0 1; do
  for _ in $(seq 100); do grep -q "HTTP listening" "$work/r$r.log" && break; sleep 0.1; done
  grpc+=("$(sed -n 's/.*gRPC listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/r$r.log" | head -1)")
  http+=("$(sed -n 's/.*HTTP listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/r$r.log" | head -1)")
done

"$python" Benchmarks/replicas/leak_probe.py "$rounds" "$server" "$work/r0" "$database" "$work/partner.pem" "$key_id" \
  "${http[0]}" "${grpc[0]}" "${grpc[1]}"
