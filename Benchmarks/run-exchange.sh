#!/usr/bin/env bash
# Token exchanges (RFC 8693, workload identity federation) per second and their latency at
# modal-server's POST /oauth/token, with the issuer's keys cached (a policy with --jwks-file, ES256).
# Each request carries its own freshly signed OIDC token (a new jti: the replay check writes a row),
# signed before the clock starts by PyJWT; the load comes from Python threads on keep-alive
# connections, on the same machine, so the figure is a lower bound on what the server can do.
#   Benchmarks/run-exchange.sh [exchanges] [connections]   (default 4000 8)
# Needs: scripts/setup.sh --test (the venv with PyJWT and cryptography, from modal[oauth]).
set -euo pipefail
cd "$(dirname "$0")/.."
exchanges=${1:-4000}
connections=${2:-8}
python=${MODAL_TEST_VENV:-.venv}/bin/python
"$python" -c 'import jwt, cryptography' 2>/dev/null || { echo "needs PyJWT and cryptography: scripts/setup.sh --test" >&2; exit 1; }
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

swift build -c release --product modal-server >/dev/null
server=.build/release/modal-server
"$server" bootstrap --data-dir "$work/data" --email bench@example.com --workspace bench --json >/dev/null
# The issuer's key and JWKS, and the signed tokens, made before the server starts.
"$python" - "$work" "$exchanges" <<'PY'
import json, sys, time, uuid, jwt
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
work, count = sys.argv[1], int(sys.argv[2])
key = ec.generate_private_key(ec.SECP256R1())
jwk = json.loads(ECAlgorithm.to_jwk(key.public_key()))
jwk["kid"] = "bench"
json.dump({"keys": [jwk]}, open(f"{work}/jwks.json", "w"))
now = int(time.time())
with open(f"{work}/tokens", "w") as out:
    for _ in range(count + 200):
        claims = {"iss": "https://ci.bench.test", "aud": "modal-bench", "sub": "repo:acme/app:ref:refs/heads/main",
                  "repository": "acme/app", "ref": "refs/heads/main", "iat": now, "nbf": now, "exp": now + 3600,
                  "jti": str(uuid.uuid4())}
        out.write(jwt.encode(claims, key, algorithm="ES256", headers={"kid": "bench"}) + "\n")
PY
"$server" federation add --data-dir "$work/data" --workspace bench --name bench --issuer https://ci.bench.test \
  --audience modal-bench --jwks-file "$work/jwks.json" --claim repository=acme/app --claim 'ref=refs/heads/*' \
  --scopes read >/dev/null
"$server" serve --data-dir "$work/data" --grpc-address 127.0.0.1:0 --http-address 127.0.0.1:0 \
  --http-connections-per-address 0 2> "$work/server.log" &
pid=$!
for _ in $(seq 100); do grep -q "HTTP listening" "$work/server.log" && break; sleep 0.1; done
port=$(sed -n 's/.*HTTP listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/server.log" | head -1)

"$python" - "$work/tokens" "$port" "$exchanges" "$connections" <<'PY'
import http.client, sys, threading, time, urllib.parse
tokens = open(sys.argv[1]).read().split()
port, count, connections = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def body(token):
    return urllib.parse.urlencode({"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token_type": "urn:ietf:params:oauth:token-type:id_token", "subject_token": token})
headers = {"Content-Type": "application/x-www-form-urlencoded"}
def run(chunk, latencies, failures):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for token in chunk:
        start = time.perf_counter()
        connection.request("POST", "/oauth/token", body(token), headers)
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - start)
        if response.status != 200:
            failures.append(response.status)
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
warm, measured = tokens[:200], tokens[200:200 + count]
run(warm, [], [])
latencies, failures = [], []
chunks = [measured[i::connections] for i in range(connections)]
threads = [threading.Thread(target=run, args=(chunk, latencies, failures)) for chunk in chunks]
start = time.perf_counter()
for thread in threads: thread.start()
for thread in threads: thread.join()
elapsed = time.perf_counter() - start
latencies.sort()
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
print(f"exchanges: {len(latencies) / elapsed:,.0f} per second over {connections} connections, "
      f"p50 {pick(0.5):.2f} ms, p99 {pick(0.99):.2f} ms ({len(latencies) - len(failures)} of {len(latencies)} answered 200)")
if failures: sys.exit(f"{len(failures)} exchanges failed: {sorted(set(failures))}")
PY
