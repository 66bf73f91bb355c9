#!/usr/bin/env bash
# TOML decoding throughput: the Swift decoder (release build) against Python's tomllib on the
# same files, measured in one run, with the ratio.
#
#   Benchmarks/run-toml.sh [rounds] [swift-repetitions] [python-repetitions]
#
# The corpus (a generated ~3 MB configuration-like file and the toml-test valid files without a
# byte-order mark) is written by `toml-benchmark write-corpus` into a temporary folder. Each round
# measures Swift then tomllib (medians over the repetitions); rounds alternate so that load from
# other processes hits both sides alike, and the reported ratio is the median of the rounds'
# ratios. Figures go to docs/benchmarks.md ("TOML decoding throughput").
set -euo pipefail
rounds="${1:-3}"
swift_reps="${2:-15}"
python_reps="${3:-5}"
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT

cd "$root"
swift build --scratch-path .build-toml -c release --product toml-benchmark >/dev/null
benchmark="$root/.build-toml/release/toml-benchmark"
"$benchmark" write-corpus "$corpus" "$root/../shared/toml-test/tests/valid"

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
echo "swift: $(swift --version 2>/dev/null | head -1)"
echo "python: $(python3 --version)"
results=""
for round in $(seq 1 "$rounds"); do
  swift_out="$("$benchmark" run "$corpus" "$swift_reps")"
  python_out="$(python3 "$root/Benchmarks/toml_tomllib.py" "$corpus" "$python_reps")"
  echo "round $round:"
  echo "$swift_out" | sed 's/^/  /'
  echo "$python_out" | sed 's/^/  /'
  results+="$swift_out"$'\n'"$python_out"$'\n'"end"$'\n'
done
echo "$results" | awk '
  $1 == "swift" { s[$2] = $6; sw[$2] = sw[$2] " " $6 }
  $1 == "python" { p[$2] = $6; py[$2] = py[$2] " " $6 }
  $1 == "end" { for (w in s) { r[w] = r[w] " " s[w] / p[w] } }
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return a[int((n + 1) / 2)]
  }
  END {
    for (w in r) printf "ratio %s: %.1fx (median of rounds; swift %.2f MB/s, tomllib %.2f MB/s)\n", w, median(r[w]), median(sw[w]), median(py[w])
  }'
