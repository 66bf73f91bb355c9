#!/usr/bin/env bash
# Cold-start wall time of `modal profile current` and `modal config show`: our release build against
# Python modal 1.6.4 doing the same, in one run, on the same config file. Prints medians and ratios.
# Needs: scripts/setup.sh --test (the venv with Python modal), hyperfine (apt-get install hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "install hyperfine: apt-get install -y hyperfine" >&2; exit 1; }
scripts/setup.sh --test >/dev/null
swift build -c release --product modal >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp examples/sample.modal.toml "$work/modal.toml"
export MODAL_CONFIG_PATH="$work/modal.toml" HOME="$work"
swift_modal="$PWD/.build/release/modal"
python_modal="$PWD/.venv/bin/modal"

for command in "profile current" "config show"; do
  name=${command// /-}
  hyperfine -N --warmup 3 --runs "${RUNS:-30}" --style none --export-json "$work/$name.json" \
    -n swift "$swift_modal $command" -n python "$python_modal $command" >/dev/null
  python3 - "$work/$name.json" "$command" <<'PY'
import json, sys
runs = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
s, p = runs["swift"]["median"], runs["python"]["median"]
print(f"modal {sys.argv[2]}: swift median {s*1000:.2f} ms, python median {p*1000:.1f} ms, ratio {p/s:.0f}x")
PY
done
