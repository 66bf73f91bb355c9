#!/usr/bin/env bash
# TOML decoding throughput: the Swift decoder (release build) against Python's tomllib on the
# same files, measured in one run, with the ratio.
#
#   Benchmarks/run-toml.sh [swift-repetitions] [python-repetitions]
#
# The corpus (a generated ~3 MB configuration-like file and the toml-test valid files) is written
# by `toml-benchmark write-corpus` into a temporary folder. Figures go to docs/benchmarks.md.
set -euo pipefail
swift_reps="${1:-21}"
python_reps="${2:-7}"
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT

cd "$root"
swift build --scratch-path .build-toml -c release --product toml-benchmark >/dev/null
benchmark="$root/.build-toml/release/toml-benchmark"
"$benchmark" write-corpus "$corpus" "$root/../shared/toml-test/tests/valid"

echo "machine: $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
echo "swift: $(swift --version 2>/dev/null | head -1)"
echo "python: $(python3 --version)"
swift_out="$("$benchmark" run "$corpus" "$swift_reps")"
python_out="$(python3 "$root/Benchmarks/toml_tomllib.py" "$corpus" "$python_reps")"
echo "$swift_out"
echo "$python_out"
for workload in config toml-test-valid; do
  s="$(echo "$swift_out" | awk -v w="$workload" '$2 == w { print $6 }')"
  p="$(echo "$python_out" | awk -v w="$workload" '$2 == w { print $6 }')"
  awk -v w="$workload" -v s="$s" -v p="$p" 'BEGIN { printf "ratio %s: %.1fx (swift %.2f MB/s / tomllib %.2f MB/s)\n", w, s / p, s, p }'
done
