import CommandLineKit
import Modal

/// `modal doctor`: runs the troubleshooting checklist and names the fix of every finding.
///
/// Exit code 0 when every check is fine (info lines included), 1 when any is a warning or a problem.
enum DoctorCommand {
  static let spec = CommandSpec(
    name: "doctor", abstract: "Check credentials, the config file, the server and the token.",
    discussion: """
      Every finding that is not fine comes with the command that fixes it. Exit code 0 when all is
      well, 1 otherwise. --json prints {"ok", "problems", "warnings", "findings": [{"section",
      "check", "status", "message", "fix"}]} (see docs/cli.md).
      """,
    options: [CommonOptions.json]
  ) { invocation in
    var report = DoctorReport()
    let config = ConfigFileChecks(invocation: invocation).run(into: &report)
    let credentials = await CredentialChecks(invocation: invocation).run(config: config, into: &report)
    if let server = await ServerChecks(invocation: invocation).run(config: config, credentials: credentials, into: &report) {
      if let credentials {
        await TokenChecks(invocation: invocation).run(
          credentials: credentials, serverURL: server.url, hello: server.hello, profile: config?.profileName ?? "default",
          into: &report)
      } else {
        report.add("token", "token.accepted", .problem, "No token to check.", fix: "modal setup")
      }
    } else {
      report.add("token", "token.accepted", .info, "The token was not checked: the server cannot be reached.")
    }
    print(report, to: invocation)
    return report.allWell ? 0 : 1
  }

  private static func print(_ report: DoctorReport, to invocation: Invocation) {
    let console = invocation.console
    let problems = report.findings.filter { $0.status == .problem }.count
    let warnings = report.findings.filter { $0.status == .warning }.count
    if invocation[CommonOptions.json] {
      let json = JSONValue.object([
        ("ok", .bool(report.allWell)), ("problems", .integer(Int64(problems))), ("warnings", .integer(Int64(warnings))),
        ("findings", .array(report.findings.map(\.json))),
      ])
      console.write(json.rendered() + "\n")
      return
    }
    let style = TerminalStyle(enabled: console.isOutputTerminal)
    let titles = ["credentials": "Credentials", "config": "Config file", "server": "Server", "token": "Token"]
    var section = ""
    for finding in report.findings {
      if finding.section != section {
        section = finding.section
        console.write((section == report.findings.first?.section ? "" : "\n") + style.bold(titles[section] ?? section) + "\n")
      }
      let mark: String
      switch finding.status {
      case .ok: mark = style.green("✓")
      case .info: mark = "·"
      case .warning: mark = style.yellow("!")
      case .problem: mark = style.red("✗")
      }
      let message = finding.message.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n    ")
      console.write("  \(mark) \(message)\n")
      if let fix = finding.fix, finding.status == .warning || finding.status == .problem {
        let lines = fix.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n         ")
        console.write("    Fix: \(lines)\n")
      }
    }
    console.write("\n")
    if report.allWell {
      console.write(style.green("All checks passed.") + "\n")
    } else {
      console.write("\(problems) problem\(problems == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s").\n")
    }
  }
}
