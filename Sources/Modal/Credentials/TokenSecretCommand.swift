import RPC

/// Gets a token secret from a secrets manager: the profile key `token_secret_command` (our
/// extension, ignored by other clients) names a command such as `pass show modal/work`, run with
/// `/bin/sh -c`; the first line of its output is the secret.
///
/// Errors say what failed and summarise the command's standard error, never its output (which
/// may hold the secret).
package struct TokenSecretCommand: Sendable {
  /// The shell command.
  package let command: String
  /// How long the command may run (a password manager may ask for a passphrase).
  package let timeout: Duration

  /// The default time limit.
  package static let defaultTimeout: Duration = .seconds(60)

  /// Creates a command runner.
  package init(command: String, timeout: Duration = TokenSecretCommand.defaultTimeout) {
    self.command = command
    self.timeout = timeout
  }

  /// Runs the command and returns the first line of its output, without surrounding white space.
  ///
  /// - Parameters:
  ///   - environment: The command's environment variables.
  ///   - profile: The profile the command belongs to, for messages.
  /// - Throws: ``ModalError`` (`missingCredentials`) on a time-out, a non-zero exit, or empty output.
  package func run(environment: [String: String], profile: String) throws(ModalError) -> String {
    let remedy = "Run the profile's token_secret_command yourself to check it, or store the secret with `modal token set --profile \(profile)`."
    guard let result = Subprocess.run("/bin/sh", ["-c", command], environment: environment, timeout: timeout, maxOutput: 64 * 1024) else {
      throw ModalError(.missingCredentials, "Cannot start /bin/sh to run token_secret_command of profile '\(profile)'.", remedy: remedy)
    }
    let firstLine = result.stdout.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
    let secret = String(firstLine).trimmingWhitespace()
    let errors = Self.summary(of: result.stderr, secret: secret)
    if result.timedOut {
      throw ModalError(
        .missingCredentials,
        "token_secret_command of profile '\(profile)' did not finish within \(timeout.components.seconds) s and was stopped\(errors).",
        remedy: remedy)
    }
    if result.status != 0 {
      throw ModalError(
        .missingCredentials, "token_secret_command of profile '\(profile)' failed with exit status \(result.status)\(errors).",
        remedy: remedy)
    }
    guard !secret.isEmpty else {
      throw ModalError(
        .missingCredentials, "token_secret_command of profile '\(profile)' printed nothing on its first line\(errors).",
        remedy: remedy)
    }
    return secret
  }

  /// Runs the command as ``run(environment:profile:)`` does, on a thread of its own: a password
  /// manager waiting for its passphrase must not hold a thread of Swift's cooperative pool.
  func runOffPool(environment: [String: String], profile: String) async throws(ModalError) -> String {
    let outcome: Result<String, ModalError> = await BlockingWork.run(label: "modal.token-secret-command") {
      do throws(ModalError) {
        return .success(try self.run(environment: environment, profile: profile))
      } catch {
        return .failure(error)
      }
    }
    return try outcome.get()
  }

  /// ` (its error output: <first lines of stderr>)` (at most 3 lines, 300 characters), or nothing
  /// when it is empty; the secret the command printed and anything that looks like a secret are
  /// masked (``SecretRedaction``).
  static func summary(of stderr: String, secret: String) -> String {
    let lines = stderr.split(separator: "\n").map { SecretRedaction.redact(String($0).trimmingWhitespace(), known: [secret]) }
      .filter { !$0.isEmpty }
    guard !lines.isEmpty else { return "" }
    var text = lines.prefix(3).joined(separator: " / ")
    if text.count > 300 { text = String(text.prefix(300)) + "…" }
    return " (its error output: \(text))"
  }
}

extension String {
  /// The string without leading and trailing spaces, tabs and line breaks.
  func trimmingWhitespace() -> String {
    var scalars = Substring(self)
    while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
    while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
    return String(scalars)
  }
}
