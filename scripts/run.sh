#!/usr/bin/env bash
# The main job on a fresh Debian machine: install what is needed, build, and run the `modal`
# command line on the embedded sample configuration (examples/sample.modal.toml).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift build -c release --product modal
modal=.build/release/modal

# Work on a copy, so the commands that write never touch the committed sample.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp examples/sample.modal.toml "$work/modal.toml"
export MODAL_CONFIG_PATH="$work/modal.toml"
unset MODAL_PROFILE MODAL_TOKEN_ID MODAL_TOKEN_SECRET MODAL_SERVER_URL MODAL_ENVIRONMENT

set -x
"$modal" config path
"$modal" config show
"$modal" profile list
"$modal" profile current
"$modal" profile activate bob-ws
"$modal" profile current
