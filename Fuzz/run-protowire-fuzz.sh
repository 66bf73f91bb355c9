#!/usr/bin/env bash
# Builds the ProtoWire decoder fuzzer (libFuzzer + AddressSanitizer) and runs it.
#   Fuzz/run-protowire-fuzz.sh [seconds]     default 600 seconds
# The binary, corpus and crash files go to Fuzz/out/ (git-ignored). See docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
out=Fuzz/out/protowire
mkdir -p "$out/corpus" "$out/crashes" "$out/modules"

flags=(-sanitize=fuzzer,address -parse-as-library -O -swift-version 6 -enable-upcoming-feature ExistentialAny)
# ProtoWire and ModalAPI are compiled as real modules so the sources build unchanged (`import ProtoWire`).
swiftc "${flags[@]}" -wmo -module-name ProtoWire -emit-module -emit-module-path "$out/modules/ProtoWire.swiftmodule" \
  -c -o "$out/ProtoWire.o" $(find Sources/ProtoWire -name '*.swift' | sort)
swiftc "${flags[@]}" -wmo -module-name ModalAPI -I "$out/modules" -emit-module \
  -emit-module-path "$out/modules/ModalAPI.swiftmodule" \
  -c -o "$out/ModalAPI.o" $(find Sources/ModalAPI -name '*.swift' | sort)
# (gold warns about every ASan helper symbol it cannot export; those lines are noise.)
swiftc "${flags[@]}" -module-name ProtoWireFuzz -I "$out/modules" Fuzz/protowire/FuzzEntry.swift \
  "$out/ProtoWire.o" "$out/ModalAPI.o" -o "$out/protowire-fuzz" 2> >(grep -v "Cannot export local symbol" >&2)

# Seeds: a few valid encodings, so the fuzzer starts from real message shapes.
printf '\x0a\x05hello\x10\x01' >"$out/corpus/seed-string-varint"
printf '\x0a\x03ak-\x12\x03as-\x22\x02\x08\x01\x2a\x0a\x0a\x01k\x12\x05value' >"$out/corpus/seed-nested-map"
printf '\x32\x06\x08\x80\x80\x80\x80\x01\x5d\x00\x00\x80\x3f' >"$out/corpus/seed-timestamp-float"

echo "run-protowire-fuzz: fuzzing for ${seconds}s (log: $out/fuzz.log)"
set +e
"$out/protowire-fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -artifact_prefix="$out/crashes/" \
  -print_final_stats=1 "$out/corpus" >"$out/fuzz.log" 2>&1
status=$?
set -e
grep -E "^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::average_exec_per_sec|SUMMARY)" "$out/fuzz.log" || true
if [[ $status -ne 0 ]]; then
  echo "run-protowire-fuzz: the fuzzer found a problem (exit $status); see $out/fuzz.log and $out/crashes/" >&2
  exit $status
fi
echo "run-protowire-fuzz: no crashes"
