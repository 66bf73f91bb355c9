import Modal
import ModalTokenScan

/// Where a scanned text came from.
struct ScanLocation: Sendable, Equatable, Hashable {
  /// Which kind of place.
  enum Source: String, Sendable {
    /// A file on disk.
    case file
    /// A blob in a commit of the repository's history.
    case history
    /// A blob staged in the index.
    case index
  }

  /// The file's path: as found under the scanned folder, or relative to the repository's top.
  let path: String
  /// The commit that added this version of the file (history only).
  let commit: String?
  /// Which kind of place.
  let source: Source
}

/// A finding and where it was.
struct LocatedFinding: Sendable, Equatable {
  /// What was found.
  let finding: TokenFinding
  /// Where.
  let location: ScanLocation
  /// What the server said the token's state is (`--check-server`), if asked.
  var serverState: LeakReporter.TokenState?
  /// What the server did with the reported secret (`--report`), if reported.
  var reported: LeakReporter.Verdict?
}

/// Everything a scan found and what it left out.
struct ScanResult: Sendable {
  /// Findings in the order they were found.
  var findings: [LocatedFinding] = []
  /// Texts scanned (files or blobs).
  var scannedCount = 0
  /// Bytes scanned.
  var scannedBytes = 0
  /// Texts left out, with why (binary, too large, unreadable).
  var skipped: [(path: String, reason: String)] = []

  /// Whether any finding is a leaked secret (exit status 1).
  var hasLeaks: Bool { findings.contains { $0.finding.isLeak } }

  /// Scans one text: binary texts (a NUL byte in the first 8000 bytes, git's own test) are skipped.
  mutating func scan(_ bytes: UnsafeRawBufferPointer, at location: ScanLocation, lookAlikes: Bool) {
    if bytes.prefix(8000).contains(0) {
      skipped.append((location.path, "binary"))
      return
    }
    scannedCount += 1
    scannedBytes += bytes.count
    let matches = TokenScanner.matches(in: bytes)
    guard !matches.isEmpty else { return }
    for finding in TokenFindings.findings(in: matches, lookAlikes: lookAlikes) {
      findings.append(LocatedFinding(finding: finding, location: location))
    }
  }
}

/// A scan that cannot run: a path that does not exist, a folder that is not a git repository.
struct ScanError: Error {
  /// What is wrong.
  let message: String
  /// What to do about it.
  let remedy: String
}
