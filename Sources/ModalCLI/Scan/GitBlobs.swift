import Modal
import ModalTokenScan

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads blobs of a git repository for scanning: every blob added by any commit reachable from any
/// ref (`git log --all --raw`), or the blobs staged in the index (`git diff --cached --raw`), then
/// their contents in one stream (`git cat-file --batch`).
struct GitBlobs {
  /// A folder inside the repository (`git -C`).
  let repository: String
  /// The variables git runs with (those of a hook, e.g. `GIT_INDEX_FILE`, are kept).
  let environment: [String: String]
  /// Blobs larger than this are skipped.
  let maxSize: Int
  /// Whether look-alikes are reported too.
  let lookAlikes: Bool

  /// Git commands may run this long: a large history takes a while to read.
  private static let timeout = Duration.seconds(3600)

  /// Scans every blob in the history. A blob seen in several commits is scanned once, at the first
  /// commit (oldest first) that added it; a secret already found in the same path in an earlier
  /// commit is reported once.
  func scanHistory(into result: inout ScanResult) throws(ScanError) {
    try checkRepository()
    let log = try git(
      ["log", "--all", "--reverse", "-m", "--raw", "--no-abbrev", "--no-renames", "--diff-filter=AMT", "--format=commit %H"])
    var commit: String?
    var blobs: [(oid: String, location: ScanLocation)] = []
    for line in log.split(separator: "\n") {
      if line.hasPrefix("commit ") {
        commit = String(line.dropFirst("commit ".count))
      } else if let entry = Self.rawEntry(line) {
        blobs.append((entry.oid, ScanLocation(path: entry.path, commit: commit, source: .history)))
      }
    }
    var history = ScanResult()
    try read(blobs, into: &history)
    var seen = Set<String>()
    history.findings = history.findings.filter { seen.insert($0.location.path + "\0" + $0.finding.match.value).inserted }
    result.merge(history)
  }

  /// Scans the blobs staged in the index that differ from `HEAD` (what the next commit adds).
  func scanIndex(into result: inout ScanResult) throws(ScanError) {
    try checkRepository()
    let diff = try git(["diff", "--cached", "--raw", "--no-abbrev", "--no-renames", "--diff-filter=AMT"])
    let blobs = diff.split(separator: "\n").compactMap(Self.rawEntry).map {
      (oid: $0.oid, location: ScanLocation(path: $0.path, commit: nil, source: .index))
    }
    try read(blobs, into: &result)
  }

  /// The new blob and path of a `--raw` line (`:100644 100644 <old> <new> M\tpath`); nil for other
  /// lines and for submodules (mode 160000, whose "blob" is a commit of another repository).
  static func rawEntry(_ line: Substring) -> (oid: String, path: String)? {
    guard line.hasPrefix(":"), let tab = line.firstIndex(of: "\t") else { return nil }
    let fields = line[..<tab].split(separator: " ")
    guard fields.count == 5, fields[1] != "160000" else { return nil }
    return (String(fields[3]), unquote(line[line.index(after: tab)...]))
  }

  /// A path as git prints it: names with unusual characters come in C-style quotes (only the
  /// quotes are removed; with `core.quotePath=false` letters beyond ASCII are not escaped).
  static func unquote(_ path: Substring) -> String {
    guard path.count >= 2, path.first == "\"", path.last == "\"" else { return String(path) }
    return String(path.dropFirst().dropLast())
  }

  private func checkRepository() throws(ScanError) {
    guard Subprocess.resolve("git", environment: environment) != nil else {
      throw ScanError(message: "git is not installed.", remedy: "Install git, or scan files without --git-history and --staged.")
    }
    guard let probe = Subprocess.run("git", ["-C", repository, "rev-parse", "--git-dir"], environment: environment),
      probe.status == 0
    else {
      throw ScanError(
        message: "\(repository) is not in a git repository.",
        remedy: "Give a folder inside a git work tree, or scan its files without --git-history and --staged.")
    }
  }

  /// Runs git in the repository and returns its output; a failure is a scan error with git's words.
  private func git(_ arguments: [String]) throws(ScanError) -> String {
    let prefix = ["-C", repository, "-c", "core.quotePath=false"]
    guard let result = Subprocess.run("git", prefix + arguments, environment: environment, timeout: Self.timeout, maxOutput: 1 << 31),
      result.status == 0
    else {
      throw ScanError(message: "git \(arguments[0]) failed in \(repository).", remedy: "Run `git \(arguments[0])` there to see why.")
    }
    return result.stdout
  }

  /// Streams the contents of `blobs` (each distinct blob once) through `git cat-file --batch`.
  private func read(_ blobs: [(oid: String, location: ScanLocation)], into result: inout ScanResult) throws(ScanError) {
    var locations: [String: ScanLocation] = [:]
    var order: [String] = []
    for blob in blobs where locations[blob.oid] == nil {
      locations[blob.oid] = blob.location
      order.append(blob.oid)
    }
    guard !order.isEmpty else { return }
    let folder = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    let list = try Self.temporaryFile(in: folder, contents: order.joined(separator: "\n") + "\n")
    defer { unlink(list) }
    var parser = GitBatchParser(maxSize: maxSize)
    var scan = result
    let lookAlikes = self.lookAlikes
    let ended = Subprocess.stream(
      "git", ["-C", repository, "cat-file", "--batch"], environment: environment, standardInput: list,
      timeout: Self.timeout,
      onOutput: { chunk in
        parser.feed(
          chunk,
          onObject: { header, bytes in
            guard header.type == "blob", let location = locations[header.oid] else { return }
            scan.scan(bytes, at: location, lookAlikes: lookAlikes)
          },
          onSkipped: { header in
            scan.skipped.append((locations[header.oid]?.path ?? header.oid, "larger than \(maxSize) bytes"))
          })
      }, onError: { _ in })
    guard let ended, ended.status == 0, !ended.timedOut else {
      throw ScanError(message: "git cat-file failed in \(repository).", remedy: "Run `git fsck` there to check the repository.")
    }
    result = scan
  }

  /// A new private temporary file holding `contents`; its path.
  private static func temporaryFile(in folder: String, contents: String) throws(ScanError) -> String {
    var template = Array((folder + "/modal-scan-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
    guard fd >= 0 else {
      throw ScanError(message: "Could not make a temporary file in \(folder).", remedy: "Set TMPDIR to a writable folder.")
    }
    defer { close(fd) }
    let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let bytes = Array(contents.utf8)
    var written = 0
    while written < bytes.count {
      let count = bytes.withUnsafeBytes { buffer in
        buffer.baseAddress.map { write(fd, $0 + written, buffer.count - written) } ?? -1
      }
      guard count > 0 else {
        unlink(path)
        throw ScanError(message: "Could not write a temporary file in \(folder).", remedy: "Free some space, or set TMPDIR.")
      }
      written += count
    }
    return path
  }
}

extension ScanResult {
  /// Adds another scan's findings, counts and skipped texts.
  mutating func merge(_ other: ScanResult) {
    findings += other.findings
    scannedCount += other.scannedCount
    scannedBytes += other.scannedBytes
    skipped += other.skipped
  }
}
