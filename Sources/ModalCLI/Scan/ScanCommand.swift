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
      not followed. Exit status: 0 nothing found, 1 secrets found, 2 usage or git error.
      """,
    options: [gitHistory, staged, format, verbose],
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
    invocation.console.write(ScanReport.render(result, as: format))
    if format == .text { invocation.console.writeError(ScanReport.summary(result)) }
    return result.hasLeaks ? 1 : 0
  }

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
