import TextSearch

/// A `.modal-profile` file: pins a project (a folder and everything under it) to a profile of the
/// configuration file by name, so switching accounts is changing folders, not rewriting
/// `~/.modal.toml` (processes in different projects never disturb each other).
///
/// The file holds one profile name and nothing else (blank lines and `#` comment lines aside).
/// Credentials, server URLs and TOML tables are refused: a project file is often committed, and
/// those belong in `~/.modal.toml`.
package struct ProjectProfileFile: Sendable, Equatable {
  /// The file's name, looked for in the working folder and each folder above it.
  package static let fileName = ".modal-profile"
  /// More than this is not a profile name; the file is refused without being read whole.
  static let maximumBytes = 4096

  /// The profile the file names.
  package let profileName: String
  /// Where the file is.
  package let path: String

  /// The nearest `.modal-profile` in `directory` or a folder above it, or nil when there is none
  /// (or `directory` is nil: the host has no working folder, as in most SDK tests).
  ///
  /// - Throws: ``ModalError`` (`invalidConfig`) naming the file when it is not a regular file,
  ///   cannot be read, or holds anything but one profile name; its contents are never repeated,
  ///   since a refused file may hold a secret.
  package static func find(from directory: String?, fileSystem: any FileSystem) throws(ModalError) -> ProjectProfileFile? {
    guard let directory, directory.hasPrefix("/") else { return nil }
    var folder = directory
    while true {
      let path = (folder == "/" ? "" : folder) + "/" + fileName
      if fileSystem.fileInfo(atPath: path) != nil {
        return ProjectProfileFile(profileName: try read(path, fileSystem: fileSystem), path: path)
      }
      guard let parent = parent(of: folder) else { return nil }
      folder = parent
    }
  }

  /// The folder above `folder` (`/a/b` → `/a`, `/a` → `/`), nil for `/`.
  static func parent(of folder: String) -> String? {
    var trimmed = Substring(folder)
    while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
    guard trimmed != "/", let slash = trimmed.lastIndex(of: "/") else { return nil }
    return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
  }

  /// The one profile name in the file at `path`.
  static func read(_ path: String, fileSystem: any FileSystem) throws(ModalError) -> String {
    let bytes: [UInt8]
    do {
      bytes = try fileSystem.readFile(atPath: path, maxBytes: maximumBytes) ?? []
    } catch {
      throw refusal(path, "cannot be read (\(error))")
    }
    let lines = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline)
      .map(trimmed)
      .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    // What a line holds is said first: "holds a TOML table" tells more than "has 3 lines".
    if let problem = lines.lazy.compactMap(problem(with:)).first { throw refusal(path, problem) }
    guard lines.count == 1 else {
      throw refusal(path, lines.isEmpty ? "names no profile" : "has \(lines.count) lines; it must have only one")
    }
    return lines[0]
  }

  /// Why `line` is not a profile name, in words that never repeat it; nil when it is one.
  static func problem(with line: String) -> String? {
    if line.hasPrefix("[") { return "holds a TOML table" }
    if line.contains(text: "=") { return "holds a `key = value` setting" }
    if line.contains(text: "://") { return "holds a URL" }
    if line.hasPrefix("ak-") || line.hasPrefix("as-") || line.hasPrefix("wk-") || line.hasPrefix("ws-") {
      return "holds what looks like a token id or secret"
    }
    guard line.count <= 64, line.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
      return "holds something other than a profile name (letters, digits, '-', '_' and '.', at most 64)"
    }
    return nil
  }

  /// `line` without white space at either end.
  private static func trimmed(_ line: Substring) -> String {
    String(line.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
  }

  private static func refusal(_ path: String, _ problem: String) -> ModalError {
    ModalError(
      .invalidConfig, "\(path) \(problem).",
      remedy: "Put only a profile name in it (one line, such as `work`; `modal profile list` shows them). "
        + "Credentials and server URLs belong in ~/.modal.toml (`modal token set --profile NAME`), not in a project file.")
  }
}
