# Shared by the server benchmarks: sourced, not run. Starts modal-server (release build, a
# bootstrapped token) and the gRPC C++ echo server on 127.0.0.1 in $work, and stops them at exit.
#   start_servers [prefix...]   prefix: a command put before each server (e.g. `env LD_PRELOAD=…`),
#                               given as two arrays: server_prefix and echo_prefix
# Sets: id, secret (the token), server_port, server_pid, echo_port, echo_pid, cpp (the C++ build).
# MODAL_SERVER_BINARY=path runs that modal-server build instead of .build/release's (and builds
# nothing), so two builds can be measured alternately: copy one aside, build the other.
# SERVER_ARGUMENTS="--flag value ..." adds flags to `modal-server serve` (e.g. `--grpc-pollers 1`);
# SERVER_ENV="NAME=value ..." sets variables for modal-server alone (e.g. GRPC_POLL_STRATEGY=poll),
# so the echo and the load client keep theirs.
# SERVER_CPUS=LIST runs both servers on those processors (`taskset -c LIST`), and CLIENT_CPUS=LIST
# the load client (see `client_prefix`): at 1 connection x 1 stream, whether the server's thread
# shares the client's processor changes the rate by half, and the scheduler picks either.

work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Builds modal-server (release; SKIP_BUILD=1 takes the build as it is) and bootstraps its data
# folder in $work/data; sets id and secret.
bootstrap_modal_server() {
  [ -n "${SKIP_BUILD:-}${MODAL_SERVER_BINARY:-}" ] || swift build -c release --product modal-server >/dev/null
  local boot
  boot=$("$modal_server" bootstrap --data-dir "$work/data" --email bench@example.com --workspace bench --json)
  id=$(sed -n 's/.*"token_id" *: *"\([^"]*\)".*/\1/p' <<<"$boot")
  secret=$(sed -n 's/.*"token_secret" *: *"\([^"]*\)".*/\1/p' <<<"$boot")
}

# Starts `modal-server serve` on the data folder (log in $work/server.log); sets server_pid, server_port.
start_modal_server() {
  "${server_prefix[@]}" "$modal_server" serve --data-dir "$work/data" --grpc-address 127.0.0.1:0 \
    --http-address 127.0.0.1:0 "${server_arguments[@]}" 2> "$work/server.log" &
  server_pid=$!
  pids+=($server_pid)
  for _ in $(seq 100); do grep -q "gRPC listening" "$work/server.log" && break; sleep 0.1; done
  server_port=$(sed -n 's/.*gRPC listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/server.log" | head -1)
}

start_servers() {
  bootstrap_modal_server
  cpp=$(bash Benchmarks/rpc/build.sh)
  start_modal_server
  echo_port=$(free_port)
  "${echo_prefix[@]}" "$cpp/echo_server" "$echo_port" 2> "$work/echo.log" &
  echo_pid=$!
  pids+=($echo_pid)
  sleep 0.5
  # Request bodies: the 5-byte gRPC frame header, then the message.
  printf '\x00\x00\x00\x00\x00' > "$work/empty.bin"                                        # google.protobuf.Empty
  { printf '\x00\x00\x00\x00\x22\x0a\x20'; head -c 32 /dev/zero; } > "$work/echo.bin"   # EchoMessage{32 bytes}
}
modal_server=${MODAL_SERVER_BINARY:-.build/release/modal-server}
server_prefix=(env ${SERVER_ENV:-})
echo_prefix=(env)
client_prefix=(env)
if [ -n "${SERVER_CPUS:-}" ]; then server_prefix+=(taskset -c "$SERVER_CPUS"); echo_prefix+=(taskset -c "$SERVER_CPUS"); fi
if [ -n "${CLIENT_CPUS:-}" ]; then client_prefix+=(taskset -c "$CLIENT_CPUS"); fi
server_arguments=(${SERVER_ARGUMENTS:-})
