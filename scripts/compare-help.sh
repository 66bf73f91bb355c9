#!/usr/bin/env bash
# Compares the --help output, usage errors and exit codes of two builds of `modal` and
# `modal-server`, command by command: scripts/compare-help.sh OLD_BIN_DIR NEW_BIN_DIR.
# The commands of `modal` are found by following each help's "Commands:" list.
set -uo pipefail
old="$1" new="$2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work" MODAL_CONFIG_PATH="$work/none.toml"
compared=0 differ=0

# Runs `$1/$2 ARGS…` from both folders and reports any difference in stdout, stderr or status.
check() {
  local exe="$1"; shift
  local a b
  a=$("$old/$exe" "$@" 2>&1; echo "exit $?")
  b=$("$new/$exe" "$@" 2>&1; echo "exit $?")
  compared=$((compared + 1))
  if [[ "$a" != "$b" ]]; then
    differ=$((differ + 1))
    echo "DIFFERS: $exe $*"
    diff <(echo "$a") <(echo "$b") | head -20
  fi
}

# Every `modal` command path, depth first, from the old build's help.
modal_paths() {
  local path="$1"
  echo "$path"
  # shellcheck disable=SC2086
  "$old/modal" $path --help | awk '/^Commands:/ {on=1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on=0}' |
    while read -r sub; do modal_paths "${path:+$path }$sub"; done
}

modal_count=0
while read -r path; do
  modal_count=$((modal_count + 1))
  # shellcheck disable=SC2086
  { check modal $path --help; check modal $path -h; check modal $path --bogus; check modal $path --profile; check modal $path extra-word; }
done < <(modal_paths "")
check modal
check modal token new --expires-in 0s
check modal token new --expires-in 5x
check modal token set --no-verify=1
check modal config show --json=1
check modal profile activate
check modal profile activate a b c
check modal token revoke a b

server_paths=("" serve bootstrap token "token create" "token revoke" flow "flow approve" member "member list"
  "member add" "member set-role" "member remove" service-user "service-user list" "service-user create"
  "service-user delete")
for path in "${server_paths[@]}"; do
  # shellcheck disable=SC2086
  { check modal-server $path --help; check modal-server $path -h; check modal-server $path --bogus;
    check modal-server $path --data-dir; check modal-server $path extra; check modal-server $path --help --bogus; }
done
check modal-server help
check modal-server help --bogus
for args in "serve --data-dir d --grpc-address x --http-address 1:2" "serve --data-dir d --grpc-address 1:2 --http-address 1:2 --database-pool 0" \
  "serve --data-dir d --grpc-address 1:2 --http-address 1:2 --flow-starts-per-minute -1" "serve --data-dir d --grpc-address 1:2 --http-address 1:2 --tls-cert x" \
  "serve --data-dir=d --data-dir=e" "serve --disable-signup=1" "token create --data-dir d --workspace w --expires-in 0s" \
  "token create --data-dir d --workspace w --scopes nope" "token revoke --data-dir d" "token revoke --data-dir d a b" \
  "member set-role --data-dir $work --workspace w --email e" "member add --data-dir $work --workspace w --email e --role x" \
  "flow approve --data-dir d --code c" "bootstrap --data-dir d --email e" "serve -- --x"; do
  # shellcheck disable=SC2086
  check modal-server $args
done
echo "modal commands: $modal_count; modal-server commands: ${#server_paths[@]}; invocations compared: $compared; differing: $differ"
[[ $differ == 0 ]]
