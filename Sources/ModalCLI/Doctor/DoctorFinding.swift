import Modal

/// One result of `modal doctor`: what was checked, how it went, and the command that fixes it.
struct DoctorFinding {
  /// How a check went.
  enum Status: String {
    /// All is well.
    case ok
    /// Worth knowing; not a problem.
    case info
    /// Works, but should be fixed (exit code 1).
    case warning
    /// Does not work (exit code 1).
    case problem
  }

  /// The section: `credentials`, `config`, `server` or `token`.
  let section: String
  /// A stable identifier of the check, e.g. `config.mode`.
  let check: String
  /// How it went.
  let status: Status
  /// What was found; never a secret.
  let message: String
  /// The command or edit that fixes it, for warnings and problems.
  var fix: String? = nil

  /// The JSON object of the documented `--json` schema.
  var json: JSONValue {
    .object([
      ("section", .string(section)), ("check", .string(check)), ("status", .string(status.rawValue)),
      ("message", .string(message)), ("fix", fix.map { .string($0) } ?? .null),
    ])
  }
}

/// Collects findings in order.
struct DoctorReport {
  private(set) var findings: [DoctorFinding] = []

  /// Adds a finding; anything in its message or fix shaped like a token secret is masked (an id
  /// and secret swapped in a profile or the environment would otherwise be printed in full).
  mutating func add(_ section: String, _ check: String, _ status: DoctorFinding.Status, _ message: String, fix: String? = nil) {
    findings.append(
      DoctorFinding(
        section: section, check: check, status: status, message: SecretRedaction.maskTokenSecrets(message),
        fix: fix.map(SecretRedaction.maskTokenSecrets)))
  }

  /// Whether nothing is a warning or a problem.
  var allWell: Bool { !findings.contains { $0.status == .warning || $0.status == .problem } }
}
