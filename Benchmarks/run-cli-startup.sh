#!/usr/bin/env bash
# Cold-start wall time of `modal profile current` and `modal config show`, in one run, on the same
# config file, beside two references: a Swift "hello world" built with the same compiler and
# optimisation (the floor for a Swift executable on this machine) and Python modal 1.6.4 doing the
# same command. Prints medians and both ratios.
# Needs: scripts/setup.sh --test (the venv with Python modal), hyperfine (apt-get install hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "install hyperfine: apt-get install -y hyperfine" >&2; exit 1; }
scripts/setup.sh --test >/dev/null
swift build -c release --product modal >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp examples/sample.modal.toml "$work/modal.toml"
printf 'print("hello")\n' > "$work/hello.swift"
swiftc -O "$work/hello.swift" -o "$work/hello"
export MODAL_CONFIG_PATH="$work/modal.toml" HOME="$work"
swift_modal="$PWD/.build/release/modal"
python_modal="$PWD/.venv/bin/modal"

for command in "profile current" "config show"; do
  name=${command// /-}
  hyperfine -N --warmup 5 --runs "${RUNS:-40}" --style none --export-json "$work/$name.json" \
    -n hello "$work/hello" -n swift "$swift_modal $command" -n python "$python_modal $command" >/dev/null
  python3 - "$work/$name.json" "$command" <<'PY'
import json, sys
runs = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
h, s, p = runs["hello"]["median"], runs["swift"]["median"], runs["python"]["median"]
print(f"modal {sys.argv[2]}: swift median {s*1000:.2f} ms, hello world {h*1000:.2f} ms, python {p*1000:.1f} ms; "
      f"ratio swift / hello world {s/h:.2f} (goal at most 1.2), python / swift {p/s:.0f}x")
PY
done
