import Foundation
import Testing
import TestSupport

/// The short version of `Benchmarks/fault-soak.sh`: 40 s of mixed load from the Python reference
/// client and our `modal` command line on 3 replicas over PostgreSQL, with replicas SIGKILLed and
/// restarted and PostgreSQL restarted, then every acknowledged token, revocation, secret and audit
/// entry looked up in the database. The script exits 1 on a loss or an error that was not retried
/// to success or reported UNAVAILABLE.
@Suite(.serialized) struct FaultSoakTests {
  @Test func fortySecondsOfFaultsLoseNothingAcknowledged() throws {
    let bin = URL(fileURLWithPath: ModalServerProcess.executable).deletingLastPathComponent().path
    let run = try ProcessRunner.run(
      "/bin/bash", [ProcessRunner.packageRoot + "/Benchmarks/fault-soak.sh", "--seconds", "40", "--bin", bin],
      environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "HOME": "/tmp", "MODAL_TEST_VENV": ReferenceClient.venv])
    let output = run.stdout + run.stderr
    #expect(run.status == 0, "\(output)")
    #expect(output.contains("SIGKILL replica 0") && output.contains("restarting PostgreSQL"), "\(output)")
    #expect(output.contains("lost: 0") && output.contains("ended in another error: 0"), "\(output)")
    // Work was done, and acknowledged, on every side of the load.
    let acknowledged = output.firstMatch(of: /operations acknowledged: (\d+)/).flatMap { Int($0.1) } ?? 0
    #expect(acknowledged >= 50, "\(output)")
    #expect(try #/\| revocations \| [1-9]/#.firstMatch(in: output) != nil, "\(output)")
  }
}
