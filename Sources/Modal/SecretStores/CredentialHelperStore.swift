import TextSearch

/// A credential helper: the program `modal-credential-NAME` on `PATH`, spoken to as Docker speaks to
/// `docker-credential-NAME` (docker-credential-helpers), so existing helpers can be wrapped:
///
/// - `store`: reads `{"ServerURL": KEY, "Username": TOKEN_ID, "Secret": SECRET}` on standard input;
/// - `get`: reads KEY on standard input, prints that JSON object;
/// - `erase`: reads KEY on standard input.
///
/// KEY is ``SecretStoreKey/account`` (`modal:PROFILE@SERVER_URL`). The secret travels only on the
/// pipes, never in arguments or the environment; the helper's error output is shown with anything
/// secret-looking masked.
package struct CredentialHelperStore: SecretStore {
  /// NAME in `modal-credential-NAME`.
  package let helperName: String
  /// The variables the program runs with (its `PATH` finds it).
  package let environment: [String: String]
  /// How long one call may run (a helper may ask for a passphrase).
  package var timeout: Duration = .seconds(60)

  /// Creates a store that runs `modal-credential-NAME` found on `environment`'s `PATH`.
  package init(helperName: String, environment: [String: String]) {
    self.helperName = helperName
    self.environment = environment
  }

  /// The program's name.
  package var program: String { "modal-credential-\(helperName)" }

  package var name: String { "the credential helper \(program)" }

  package func store(_ secret: String, tokenID: String, for key: SecretStoreKey) throws(ModalError) {
    let message = JSONObjectParser.render([("ServerURL", key.account), ("Username", tokenID), ("Secret", secret)])
    _ = try call("store", input: message, secret: secret)
  }

  package func secret(for key: SecretStoreKey) throws(ModalError) -> String? {
    let result = try call("get", input: key.account, secret: nil, missingIsNil: true)
    guard let result else { return nil }
    var parser = JSONObjectParser(text: Array(result.stdout.utf8))
    let members: [(String, String)]
    do throws(JSONObjectParser.Failure) {
      members = try parser.parseStringObject()
    } catch {
      throw ModalError(
        .missingCredentials, "\(program) get printed something that is not a JSON object (\(error.message)).",
        remedy: "A credential helper's `get` prints {\"ServerURL\": …, \"Username\": …, \"Secret\": …}; check the helper.")
    }
    guard let secret = members.first(where: { $0.0 == "Secret" })?.1, !secret.isEmpty else { return nil }
    return secret
  }

  package func erase(_ key: SecretStoreKey) throws(ModalError) {
    _ = try call("erase", input: key.account, secret: nil, missingIsNil: true)
  }

  /// Runs `program verb` with `input`; with `missingIsNil`, the protocol's "credentials not found"
  /// answer gives nil.
  private func call(_ verb: String, input: String, secret: String?, missingIsNil: Bool = false) throws(ModalError) -> Subprocess.Result? {
    guard Subprocess.resolve(program, environment: environment) != nil else {
      throw ModalError(
        .secretStoreUnavailable, "The credential helper \(program) is not on PATH (or is not executable).",
        remedy: "Install it or put it on PATH, or choose another place for the secret (--secret-storage file|keyring).")
    }
    guard let result = Subprocess.run(program, [verb], environment: environment, timeout: timeout, maxOutput: 64 * 1024, input: Array(input.utf8)) else {
      throw ModalError(.secretStoreUnavailable, "Cannot start the credential helper \(program).", remedy: "Check that it is executable.")
    }
    if missingIsNil && result.status != 0 && Self.saysNotFound(result) { return nil }
    // Helpers print their errors on either stream; what `get` prints on standard output may be the
    // secret, so only its error output is shown (masked as a command's is).
    let shown = result.stderr.isEmpty && verb != "get" ? result.stdout : result.stderr
    let errors = TokenSecretCommand.summary(of: shown, secret: secret ?? "")
    if result.timedOut {
      throw ModalError(
        .secretStoreUnavailable, "\(program) \(verb) did not finish within \(timeout.components.seconds) s and was stopped\(errors).",
        remedy: "Run `\(program) \(verb)` yourself to see what it waits for (a locked vault, a prompt).")
    }
    guard result.status == 0 else {
      throw ModalError(
        verb == "get" ? .missingCredentials : .writeFailed, "\(program) \(verb) failed with exit status \(result.status)\(errors).",
        remedy: "Run `\(program) \(verb)` yourself to check it; nothing was changed in the config file.")
    }
    return result
  }

  /// Whether a failed `get` or `erase` said that there is nothing stored: docker-credential-helpers
  /// print "credentials not found in native keychain".
  private static func saysNotFound(_ result: Subprocess.Result) -> Bool {
    (result.stdout + result.stderr).lowercased().contains(text: "credentials not found")
  }
}
