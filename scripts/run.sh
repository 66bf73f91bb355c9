#!/usr/bin/env bash
# The main job on a fresh Debian machine: install what is needed, build, show the `modal` command
# line on the embedded sample configuration, then start modal-server on 127.0.0.1 with SQLite in
# a local data folder (bootstrapping a first user and token on first start) and say how to log in.
#   MODAL_SERVER_DATA    data folder (default .modal-server-data)
#   MODAL_SERVER_GRPC    gRPC address (default 127.0.0.1:50051)
#   MODAL_SERVER_HTTP    dashboard address (default 127.0.0.1:8080)
#   MODAL_SERVER_EMAIL   first user (default admin@example.com), workspace `local`
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift build -c release --product modal
swift build -c release --product modal-server
bin=$PWD/.build/release

echo "== the modal command line on examples/sample.modal.toml (a copy)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp examples/sample.modal.toml "$work/modal.toml"
(
  export MODAL_CONFIG_PATH="$work/modal.toml"
  unset MODAL_PROFILE MODAL_TOKEN_ID MODAL_TOKEN_SECRET MODAL_SERVER_URL MODAL_ENVIRONMENT
  set -x
  "$bin/modal" config path
  "$bin/modal" config show
  "$bin/modal" profile current
  "$bin/modal" profile activate bob-ws
)

data=${MODAL_SERVER_DATA:-$PWD/.modal-server-data}
grpc=${MODAL_SERVER_GRPC:-127.0.0.1:50051}
http=${MODAL_SERVER_HTTP:-127.0.0.1:8080}
email=${MODAL_SERVER_EMAIL:-admin@example.com}
mkdir -p "$data"
chmod 700 "$data"
if [[ ! -f "$data/bootstrap.json" ]]; then
  umask 077
  head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$data/admin-password"
  "$bin/modal-server" bootstrap --data-dir "$data" --email "$email" --workspace local \
    --password-file "$data/admin-password" --json > "$data/bootstrap.json"
  echo "== first start: created $email (password in $data/admin-password) and a token in $data/bootstrap.json"
fi

cat <<MSG
== modal-server: gRPC on http://$grpc, dashboard on http://$http (Ctrl-C stops it)
   Log in from another terminal:
     export MODAL_SERVER_URL=http://$grpc
     $bin/modal setup          # opens the dashboard; sign in as $email
   or store the bootstrap token (its secret is in $data/bootstrap.json):
     $bin/modal token set --profile local --token-id $(sed -n 's/.*"token_id" *: *"\([^"]*\)".*/\1/p' "$data/bootstrap.json") --token-secret -
   The Python client works too:  MODAL_SERVER_URL=http://$grpc modal token new
MSG
exec "$bin/modal-server" serve --data-dir "$data" --grpc-address "$grpc" --http-address "$http" --public-url "http://$http"
