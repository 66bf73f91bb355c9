#!/usr/bin/env bash
# `modal token scan` throughput on a generated text corpus, beside GNU grep looking for the same
# secret shape (`LC_ALL=C grep -rE 'as-[0-9A-Za-z]{36}'`, which finds candidates but checks no checksum).
#
#   Benchmarks/run-scan.sh [megabytes] [rounds]      (defaults: 100 MB, 5 rounds)
#
# The corpus: files of 1 MB of source-like lines (words, hyphens, `as`/`ak` words, base62 runs),
# with one checksummed secret planted in every tenth file; the scan must find exactly those (the
# benchmark fails otherwise). Each round times the scan then grep (page cache warm); the medians
# and their ratio are printed (grep runs in the C locale, its fastest: in a UTF-8 locale it is
# several times slower). Then the corpus is committed to a git repository and
# `modal token scan --git-history` is timed once (git log + cat-file --batch + scan).
# Figures go to docs/benchmarks.md ("Token scanning").
set -euo pipefail
megabytes="${1:-100}"
rounds="${2:-5}"
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT

cd "$root"
swift build -c release --product modal >/dev/null
modal="$root/.build/release/modal"

python3 - "$corpus" "$megabytes" <<'PY'
import random, sys, zlib
folder, megabytes = sys.argv[1], int(sys.argv[2])
alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
def base62(value, width):
    digits = ""
    for _ in range(width):
        digits = alphabet[value % 62] + digits
        value //= 62
    return digits
rng = random.Random(17)
words = ["let", "value", "self", "return", "as", "ak", "has-prefix", "x-y", "a-b-c", "--flag", "task-id", "as-is", "ask-me"]
planted = 0
for index in range(megabytes):
    lines, size = [], 0
    while size < 1 << 20:
        line = " ".join(rng.choice(words) for _ in range(8)) + " " + "".join(rng.choice(alphabet) for _ in range(20))
        lines.append(line)
        size += len(line) + 1
    if index % 10 == 0:
        random_part = "".join(rng.choice(alphabet) for _ in range(30))
        lines[len(lines) // 2] += " secret = as-" + random_part + base62(zlib.crc32(random_part.encode()), 6)
        planted += 1
    with open(f"{folder}/file{index:04}.txt", "w") as out:
        out.write("\n".join(lines) + "\n")
print(planted, file=open(f"{folder}.planted", "w"))
PY
planted=$(cat "$corpus.planted")
rm -f "$corpus.planted"

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
echo "corpus: $megabytes files of 1 MB, $planted planted secrets; grep: $(grep --version | head -1)"

found=$("$modal" token scan --format json "$corpus" | grep -c '"kind": "token-secret"' || true)
[[ "$found" == "$planted" ]] || { echo "scan found $found secrets, expected $planted" >&2; exit 1; }

now() { date +%s.%N; }
scan_times=()
grep_times=()
for round in $(seq 1 "$rounds"); do
  start=$(now); "$modal" token scan "$corpus" >/dev/null 2>&1 || true; end=$(now)
  scan_times+=("$(echo "$end - $start" | bc)")
  start=$(now); LC_ALL=C grep -rE 'as-[0-9A-Za-z]{36}' "$corpus" >/dev/null || true; end=$(now)
  grep_times+=("$(echo "$end - $start" | bc)")
  echo "round $round: scan ${scan_times[-1]} s, grep ${grep_times[-1]} s"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
scan=$(median "${scan_times[@]}")
grep_median=$(median "${grep_times[@]}")
echo "median: modal token scan $scan s ($(echo "scale=0; $megabytes / $scan" | bc) MB/s), grep -rE $grep_median s ($(echo "scale=0; $megabytes / $grep_median" | bc) MB/s), scan/grep time ratio $(echo "scale=2; $scan / $grep_median" | bc)"

git -C "$corpus" init -q
git -C "$corpus" add .
git -C "$corpus" -c user.name=bench -c user.email=bench@example.com commit -q -m corpus
start=$(now)
found=$("$modal" token scan --git-history --format json "$corpus" | grep -c '"kind": "token-secret"' || true)
end=$(now)
[[ "$found" == "$planted" ]] || { echo "history scan found $found secrets, expected $planted" >&2; exit 1; }
echo "git history (one commit of the corpus): modal token scan --git-history $(echo "$end - $start" | bc) s"
