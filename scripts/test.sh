#!/usr/bin/env bash
# Runs every test of modal-swift on a fresh Debian machine: installs what the tests need, builds,
# and runs the whole suite (unit, command-line, conformance, interop with the real Python client).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --test

export MODAL_TEST_VENV="$PWD/.venv"
# The PostgreSQL suites start throwaway clusters under /tmp/modal-pg-*; they stop them at exit, and
# this stops any that a crashed test process left behind.
trap 'pkill -f "/tmp/modal-pg-" 2>/dev/null || true; rm -rf /tmp/modal-pg-* 2>/dev/null || true' EXIT
# Build everything first: tests run the built `modal`, `modal-server` and `toml-decoder`.
swift build --build-tests

# The main job (scripts/run.sh) runs release builds: make sure they compile too (the optimizer has
# crashed on code that the debug build accepts).
echo "== release builds of the executables"
swift build -c release --product modal
swift build -c release --product modal-server

# `modal` must start without Foundation, ICU, OpenSSL, libcurl or the gRPC core (issue 19), read from
# the release binary's ELF entries. The same check on modal-server, which needs libcrypto and
# Foundation, must fail: otherwise the check itself has stopped seeing anything.
echo "== libraries the release modal loads at start"
scripts/check-startup-libraries.sh .build/release/modal
if scripts/check-startup-libraries.sh .build/release/modal-server >/dev/null 2>&1; then
  echo "scripts/check-startup-libraries.sh passed modal-server, which links libcrypto: the check is broken" >&2
  exit 1
fi

# Suites that start Python processes, servers or many child processes, and the suites whose
# deadline, cancellation and shutdown assertions need the cooperative thread pool free, run one at
# a time after the rest (other tests block pool threads while they wait for child processes).
heavy='InteropTests\.|RPCTests\.|ModalAPITests\.(DifferentialTests|SchemaConformanceTests)|ModalServerTests\.(PythonInteropTests|PasskeyServiceTests|DashboardBrowserTests|DashboardHTTPTests|SignInLimitTests|PostgresStoreTests|ReplicaTests|HostileClientTests|FailedTokenCheckTests|ObservabilityProcessTests|SecretBytesMigrationTests|BackupProcessTests|PostgresBackupRouteTests|AuditPostgresTests|AuditCrashTests|AuditDashboardTests|ProxyTokenProcessTests|ProxyTokenTests|WorkspaceDifferentialTests|TokenDisableTests|ServiceUserTests|LeakReportTests|LeakReportProcessTests|LeakReplicaTests|FederationPolicyTests|FederationExchangeTests|FederationProcessTests|PgBouncerTests|FaultSoakTests|OAuthGrantTests|OAuthInteropTests|FederationClientProcessTests|FederationQuotaAndAudienceTests|OAuthCodeFlowTests|OAuthConsentHTTPTests|OAuthConsentBrowserTests)|ModalCLITests\.ConcurrentWriteTests|ModalTests\.(OAuthCredentialTests|CancellationAndTimeoutTests|SubprocessPipeTests|ClientSetupOffThePoolTests|ResourceServerTests|ProxyTokenResourceTests|FederationProviderTests|FederationRenewalTests)|ModalCLITests\.TokenScanRepositoryTests|ModalJOSETests\.PythonInteropTests|HTTPFetchTests\.|ModalCLITests\.(ConcurrentWriteTests|ProjectProfileTests|TokenExchangeCommandTests|ProfileLookupTests|LocalFlowPageTests)'
echo "== in-process suites (parallel)"
swift test --skip-build --skip "$heavy"
echo "== interop and process suites (one at a time)"
swift test --skip-build --filter "$heavy" --no-parallel
