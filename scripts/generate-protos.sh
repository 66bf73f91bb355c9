#!/usr/bin/env bash
# Regenerates the committed Swift code of the ModalAPI module from Protos/modal/api.proto (and
# modal-server's own Protos/modal_server/leaks.proto):
# builds the protoc plugin (protoc-gen-modal-swift) and runs protoc with it.
#   scripts/generate-protos.sh                      uses the default build folder (.build)
#   SCRATCH_PATH=.build-proto scripts/generate-protos.sh   uses another build folder
# Needs protoc (Debian: protobuf-compiler) and the well-known .proto files (Debian: libprotobuf-dev,
# in /usr/include/google/protobuf; set PROTOBUF_INCLUDE to use another folder).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v protoc >/dev/null 2>&1; then
  echo "generate-protos: protoc is not on PATH; install it with: apt-get install protobuf-compiler libprotobuf-dev" >&2
  exit 1
fi
include="${PROTOBUF_INCLUDE:-/usr/include}"
if [[ ! -f "$include/google/protobuf/empty.proto" ]]; then
  echo "generate-protos: $include/google/protobuf/empty.proto is missing; install libprotobuf-dev or set PROTOBUF_INCLUDE" >&2
  exit 1
fi

scratch=()
if [[ -n "${SCRATCH_PATH:-}" ]]; then scratch=(--scratch-path "$SCRATCH_PATH"); fi
swift build -c release "${scratch[@]}" --product protoc-gen-modal-swift
plugin="$(swift build -c release "${scratch[@]}" --show-bin-path)/protoc-gen-modal-swift"

out=Sources/ModalAPI/Generated
mkdir -p "$out"
rm -f "$out"/*.pb.swift
protoc --plugin=protoc-gen-modal-swift="$plugin" \
  --modal-swift_out=SchemaName=ModalAPISchema:"$out" \
  -I Protos -I "$include" Protos/modal/api.proto
# modal-server's own service (leak reports), beside Modal's API and kept out of its schema.
protoc --plugin=protoc-gen-modal-swift="$plugin" \
  --modal-swift_out=SchemaName=LeakReportsSchema:"$out" \
  -I Protos -I "$include" Protos/modal_server/leaks.proto
echo "generate-protos: wrote $(ls "$out" | tr '\n' ' ')"

# The runtime's own test messages (Tests/ProtoWireTests), generated the same way.
test_out=Tests/ProtoWireTests/Generated
mkdir -p "$test_out"
rm -f "$test_out"/*.pb.swift
protoc --plugin=protoc-gen-modal-swift="$plugin" \
  --modal-swift_out=SchemaName=WireTestSchema:"$test_out" \
  -I Tests/ProtoWireTests/Protos -I "$include" Tests/ProtoWireTests/Protos/wire_test.proto
echo "generate-protos: wrote $(ls "$test_out" | tr '\n' ' ')"
