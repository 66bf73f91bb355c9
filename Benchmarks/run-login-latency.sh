#!/usr/bin/env bash
# Time from approving a login in the browser to `modal setup` printing success, end to end: the
# release `modal` CLI, the release `modal-server` (SQLite) and headless Chromium clicking Approve
# on the dashboard. p50 and p99 over the given number of logins (default 20).
#   Benchmarks/run-login-latency.sh [logins]
# Needs: scripts/setup.sh --test (the venv with selenium), apt-get install chromium chromium-driver
set -euo pipefail
cd "$(dirname "$0")/.."
logins=${1:-20}
venv=${MODAL_TEST_VENV:-$PWD/.venv}
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] ||
  { echo "install chromium: apt-get install -y chromium chromium-driver" >&2; exit 1; }
"$venv/bin/python" -c "import selenium" 2>/dev/null || { echo "selenium is missing: scripts/setup.sh --test" >&2; exit 1; }
source Benchmarks/lib/servers.sh
[ -n "${SKIP_BUILD:-}" ] || swift build -c release --product modal >/dev/null
bootstrap_modal_server
start_modal_server
"$venv/bin/python" Benchmarks/login/login_latency.py "$PWD/.build/release/modal" "http://127.0.0.1:$server_port" "$logins"
