#!/usr/bin/env bash
# Runs every test of modal-swift on a fresh Debian machine: installs what the tests need, builds,
# and runs the whole suite (unit, command-line, conformance, differential against Python modal 1.6.4).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --test

export MODAL_TEST_VENV="$PWD/.venv"
# Build everything first: tests run the built `modal` and `toml-decoder` executables.
swift build --build-tests
swift test --skip-build
