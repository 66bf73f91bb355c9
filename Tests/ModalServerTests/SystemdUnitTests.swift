import Foundation
import Testing
import TestSupport

/// `deploy/modal-server.service`: hardened as docs/deployment.md says, accepted by
/// `systemd-analyze verify`, and pointing at a data folder the example configuration uses.
@Suite struct SystemdUnitTests {
  private let unitPath = "deploy/modal-server.service"
  private let analyze = "/usr/bin/systemd-analyze"

  private var unit: String { (try? String(contentsOfFile: unitPath, encoding: .utf8)) ?? "" }

  @Test func theUnitIsHardenedAndStartsServeWithTheConfigFile() throws {
    let lines = Set(unit.split(separator: "\n").map(String.init))
    for directive in [
      "DynamicUser=yes", "StateDirectory=modal-server", "ProtectSystem=strict", "NoNewPrivileges=yes", "ProtectHome=yes",
      "PrivateTmp=yes", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "CapabilityBoundingSet=",
      "SystemCallFilter=@system-service",
      "ExecStart=/usr/local/bin/modal-server serve --config /etc/modal-server/modal-server.toml",
    ] {
      #expect(lines.contains(directive), "\(directive) is missing from \(unitPath)")
    }
    // The state directory systemd makes is the data folder the example configuration names.
    let example = try String(contentsOfFile: "deploy/modal-server.toml", encoding: .utf8)
    #expect(example.contains("\ndata-dir = \"/var/lib/modal-server\"\n"))
  }

  @Test func systemdAnalyzeVerifiesTheUnitAndRatesItsExposureLow() throws {
    try #require(
      FileManager.default.isExecutableFile(atPath: analyze),
      "systemd-analyze is not installed (scripts/setup.sh --test installs Debian's systemd)")
    // verify checks that ExecStart's program exists: point it at the built modal-server.
    let folder = TemporaryFolder()
    let copy = folder.write(
      unit.replacingOccurrences(of: "/usr/local/bin/modal-server", with: ModalServerProcess.executable), to: "modal-server.service")
    let verify = try ProcessRunner.run(analyze, ["verify", copy], environment: ["PATH": "/usr/bin:/bin"])
    #expect(verify.status == 0 && verify.stderr.isEmpty && verify.stdout.isEmpty, "\(verify.stdout)\(verify.stderr)")
    let security = try ProcessRunner.run(analyze, ["security", "--offline=yes", copy], environment: ["PATH": "/usr/bin:/bin"])
    let level = try #require(
      security.stdout.firstMatch(of: /Overall exposure level for modal-server\.service: (\d+\.\d)/).flatMap { Double($0.1) },
      "\(security.stdout)\(security.stderr)")
    #expect(level <= 2.0, "exposure \(level)")
  }
}
