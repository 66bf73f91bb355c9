#!/usr/bin/env bash
# Cold-start wall time of `modal profile current` and `modal config show`, in one run, on the same
# config file, beside two references: a Swift "hello world" built with the same compiler and
# optimisation (the floor for a Swift executable on this machine) and Python modal 1.6.4 doing the
# same command. Prints medians and both ratios.
#
# Then, on a machine shared with other work, the two figures that hold up under load: wall and CPU
# times with the Swift programs started in turn, round after round (INTERLEAVED rounds, default 300,
# after 10 discarded), so load drifts hit all three alike; and, when valgrind is installed, the
# instructions each one executes (callgrind), which do not depend on the load at all.
# Needs: scripts/setup.sh --test (the venv with Python modal), hyperfine (apt-get install hyperfine);
# valgrind for the instruction counts.
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

python3 - "${INTERLEAVED:-300}" "$work/hello" "$swift_modal" <<'PY'
import os, statistics, sys, time
rounds, hello, modal = int(sys.argv[1]), sys.argv[2], sys.argv[3]
programs = {"hello": [hello], "profile current": [modal, "profile", "current"], "config show": [modal, "config", "show"]}
devnull = os.open(os.devnull, os.O_WRONLY)
wall = {name: [] for name in programs}
cpu = {name: [] for name in programs}
for round in range(rounds + 10):
    for name, argv in programs.items():
        start = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
        _, status, usage = os.wait4(pid, 0)
        if status != 0:
            sys.exit(f"{' '.join(argv)} failed with status {status}")
        if round >= 10:
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(usage.ru_utime + usage.ru_stime)
w = {name: statistics.median(values) * 1000 for name, values in wall.items()}
c = {name: statistics.median(values) * 1000 for name, values in cpu.items()}
for command in ("profile current", "config show"):
    print(f"modal {command}, interleaved ({rounds} rounds, load average {os.getloadavg()[0]:.1f}): "
          f"wall {w[command]:.2f} ms against hello world {w['hello']:.2f} ms, ratio {w[command] / w['hello']:.2f}; "
          f"CPU {c[command]:.2f} ms against {c['hello']:.2f} ms, ratio {c[command] / c['hello']:.2f}")
PY

if command -v valgrind >/dev/null; then
  instructions() { valgrind --tool=callgrind --dump-instr=no --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null | sed -n 's/.*Collected : //p'; }
  hello_count=$(instructions "$work/hello")
  for command in "profile current" "config show"; do
    # shellcheck disable=SC2086 # the command is two words on purpose
    count=$(instructions "$swift_modal" $command)
    python3 -c "import sys; c, h = int(sys.argv[1]), int(sys.argv[2]); print(f'modal {sys.argv[3]}: {c / 1e6:.2f} M instructions, hello world {h / 1e6:.2f} M; ratio {c / h:.2f}')" \
      "$count" "$hello_count" "$command"
  done
fi
