#!/usr/bin/env bash
# Builds the gRPC C++ echo server and client of the RPC benchmark into $1 (default .build-rpc-cpp).
# Needs g++, pkg-config, libgrpc++-dev, protobuf-compiler and protobuf-compiler-grpc.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../../.build-rpc-cpp}"
mkdir -p "$out"
for tool in g++ pkg-config protoc grpc_cpp_plugin; do
  command -v "$tool" >/dev/null || {
    echo "build.sh: $tool is missing: apt-get install g++ pkg-config libgrpc++-dev protobuf-compiler protobuf-compiler-grpc" >&2
    exit 1
  }
done
protoc -I "$here" --cpp_out="$out" --grpc_out="$out" --plugin=protoc-gen-grpc="$(command -v grpc_cpp_plugin)" "$here/echo.proto"
flags=(-O2 -std=c++17 -I "$out")
read -r -a pkg <<<"$(pkg-config --cflags --libs grpc++ protobuf)"
common=("$out/echo.pb.cc" "$out/echo.grpc.pb.cc")
g++ "${flags[@]}" "$here/echo_server.cc" "${common[@]}" "${pkg[@]}" -o "$out/echo_server" &
server=$!
g++ "${flags[@]}" "$here/echo_client.cc" "${common[@]}" "${pkg[@]}" -pthread -o "$out/echo_client" &
client=$!
wait "$server"
wait "$client"
echo "$out"
