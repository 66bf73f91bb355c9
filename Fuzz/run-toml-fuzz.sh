#!/usr/bin/env bash
# Builds the TOML libFuzzer target and runs it for the given number of seconds (default 600).
#
#   Fuzz/run-toml-fuzz.sh [seconds]
#
# Output: Fuzz/out/toml-fuzz (the binary), Fuzz/out/corpus (seeded from the toml-test cases and
# grown by libFuzzer), Fuzz/out/toml-fuzz.log, and crash-* files in Fuzz/out when it finds one.
set -euo pipefail
seconds="${1:-600}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/Fuzz/out"
cases="$root/../shared/toml-test/tests"
mkdir -p "$out/corpus"

echo "building $out/toml-fuzz"
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name TOMLFuzz \
  "$root"/Sources/TOML/*.swift "$root/Fuzz/toml/FuzzEntry.swift" -o "$out/toml-fuzz" 2>&1 \
  | grep -v "Cannot export local symbol" || true

if [ -d "$cases" ]; then
  n=0
  while IFS= read -r -d '' file; do
    n=$((n + 1))
    cp "$file" "$out/corpus/seed-$n.toml"
  done < <(find "$cases" -name '*.toml' -print0 | sort -z)
  echo "seeded the corpus with $n toml-test cases"
else
  echo "warning: $cases not found; starting from an empty corpus" >&2
fi

cd "$out"
echo "fuzzing for $seconds seconds (log: $out/toml-fuzz.log)"
./toml-fuzz -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
  -dict="$root/Fuzz/toml/toml.dict" -print_final_stats=1 corpus 2>&1 | tee toml-fuzz.log | tail -25
