import CommandLineKit
import Modal

/// `modal token scan`: finds Modal token secrets in files, in git history or in the index.
enum ScanCommand {
  /// Files and blobs larger than this are skipped (generated data, archives, not configuration).
  static let maxSize = 10 << 20

  static let spec = CommandSpec(
    name: "scan", abstract: "Find Modal token secrets in files, git history or the git index.",
    discussion: """
      Scans files under each PATH (default: the current folder); with --git-history or --staged,
      each PATH is a folder inside a git repository and its history or index is scanned instead.
      Checksummed secrets are verified offline (high confidence); secrets without a checksum
      (Modal's, older servers') are reported with lower confidence. Secrets are masked in the output.
      .git folders, symbolic links, binary files and files over 10 MiB are skipped; .gitignore is
      not followed. Exit status: 0 nothing found, 1 secrets found, 2 usage, git or server error.

      --check-server asks the profile's server (MODAL_SERVER_URL) whether each found token is
      active, sending its id and the SHA-256 of its secret, never the secret; a secret found without
      its id is not checked. --report sends each found secret to the server, which revokes those
      that are its tokens (holding a secret is the proof, so no token of yours is needed). Both are
      modal-server features (docs/scanning.md).
      """,
    options: [gitHistory, staged, format, verbose, checkServer, report],
    arguments: [paths]
  ) { invocation in
    let format = invocation[format]
    let lookAlikes = invocation[verbose]
    var targets = invocation[paths]
    if targets.isEmpty { targets = ["."] }
    var result = ScanResult()
    do throws(ScanError) {
      for target in targets {
        if invocation[gitHistory] || invocation[staged] {
          let git = GitBlobs(
            repository: target, environment: invocation.host.variables, maxSize: maxSize, lookAlikes: lookAlikes)
          if invocation[gitHistory] { try git.scanHistory(into: &result) }
          if invocation[staged] { try git.scanIndex(into: &result) }
        } else {
          try WorkTreeFiles(maxSize: maxSize, lookAlikes: lookAlikes).scan(target, into: &result)
        }
      }
    } catch {
      invocation.console.writeError("Error: \(error.message)\n\(error.remedy)\n")
      return 2
    }
    if invocation[checkServer] || invocation[report] {
      do throws(ModalError) {
        try await askServer(&result, invocation)
      } catch {
        invocation.console.writeError("Error: the server could not be asked: \(error.description)\n")
        return 2
      }
    }
    invocation.console.write(ScanReport.render(result, as: format))
    if format == .text { invocation.console.writeError(ScanReport.summary(result)) }
    return result.hasLeaks ? 1 : 0
  }

  /// Asks the profile's server what `--check-server` and `--report` want to know.
  private static func askServer(_ result: inout ScanResult, _ invocation: Invocation) async throws(ModalError) {
    let config = try ModalConfig(host: invocation.host, profile: invocation.profile)
    let server = ScanServer(reporter: try LeakReporter(serverURL: try config.string(.serverURL) ?? Setting.defaultServerURL))
    // Checked before reporting, so the state is the one the token had when it was found.
    if invocation[checkServer] { try await server.check(&result) }
    if invocation[report] { try await server.report(&result) }
  }

  static let checkServer = Flag(
    "--check-server", help: "Ask the server whether each found token is active (sends ids and SHA-256 fingerprints only).")
  static let report = Flag(
    "--report", help: "Send each found secret to the server, which revokes the tokens among them.")
  static let paths = Argument<[String]>("PATH", help: "Files or folders to scan (default: .).")
  static let gitHistory = Flag(
    "--git-history", help: "Scan every blob reachable from any ref, reporting the commit that added it.")
  static let staged = Flag("--staged", help: "Scan the files staged for the next commit (for pre-commit hooks).")
  static let verbose = Flag(
    "--verbose", help: "Also list look-alikes (wrong checksum or length) and lone token ids; they do not fail the scan.")
  static let format = Option<ScanReport.Format>(
    "--format", placeholder: "text|json|sarif", default: .text, help: "Output format (default: text)."
  ) { text throws(InvalidValue) in
    guard let format = ScanReport.Format(rawValue: text) else {
      throw InvalidValue("--format must be text, json or sarif, not '\(text)'.")
    }
    return format
  }
}
