/// File access used by configuration loading and writing, injectable for tests.
public protocol FileSystem: Sendable {
  /// Reads a whole regular file; nil when nothing exists at `path`. The null device (`/dev/null`)
  /// reads as empty.
  ///
  /// Throws when the path is a folder, a FIFO, a device or anything else that is not a regular
  /// file (without opening it, so a FIFO never blocks), cannot be read, or is larger than `maxBytes`.
  func readFile(atPath path: String, maxBytes: Int) throws(FileSystemError) -> [UInt8]?

  /// Facts about the file at `path`, or nil when nothing exists there.
  func fileInfo(atPath path: String) -> FileInfo?

  /// Replaces the file at `path` atomically: a temporary file beside it is written, flushed to
  /// disk and renamed over it, so readers see the old or the new contents, never a mix.
  ///
  /// A symbolic link at `path` is followed to the end of its chain (even when that end does not
  /// exist yet): the final target is replaced and every link stays a link. Throws when the target
  /// exists and is not a regular file. Missing parent folders are created with mode 0700.
  func replaceFile(atPath path: String, with contents: [UInt8], mode: UInt32) throws(FileSystemError)

  /// Runs `body` while holding an exclusive advisory lock associated with `path`.
  func withExclusiveLock<T>(
    forPath path: String, _ body: () throws(ModalError) -> T
  ) throws(ModalError) -> T
}

/// What is at a path: a regular file, or something else that cannot hold a configuration.
public enum FileKind: Sendable, Equatable, CustomStringConvertible {
  /// A regular file.
  case regularFile
  /// A folder.
  case folder
  /// A character or block device, such as `/dev/null`.
  case device
  /// A FIFO (named pipe): opening it for reading waits for a writer.
  case fifo
  /// A Unix-domain socket.
  case socket
  /// Anything else.
  case other

  /// The kind with its article, for messages: `a folder`, `a device`.
  public var description: String {
    switch self {
    case .regularFile: return "a file"
    case .folder: return "a folder"
    case .device: return "a device"
    case .fifo: return "a FIFO (named pipe)"
    case .socket: return "a socket"
    case .other: return "neither a file nor a folder"
    }
  }
}

/// Facts about a file: its kind, permission bits, size and owner.
public struct FileInfo: Sendable, Equatable {
  /// What it is: a regular file, a folder, a device, ….
  public var kind: FileKind
  /// Permission bits, e.g. `0o600`.
  public var permissions: UInt32
  /// Size in bytes.
  public var size: Int
  /// The owner's user id.
  public var ownerID: UInt32

  /// Creates file facts.
  public init(kind: FileKind, permissions: UInt32, size: Int, ownerID: UInt32) {
    self.kind = kind
    self.permissions = permissions
    self.size = size
    self.ownerID = ownerID
  }

  /// Whether it is a regular file (not a folder, device or socket).
  public var isRegularFile: Bool { kind == .regularFile }
  /// Whether it is a folder.
  public var isDirectory: Bool { kind == .folder }
}

/// A file operation that failed, with the path and the reason.
public struct FileSystemError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Why a file operation failed.
  public enum Reason: Sendable, Equatable {
    /// The path names something other than a regular file (a folder, a device, a FIFO, …).
    case notRegularFile(FileKind)
    /// The operating system refused access (`EACCES`, `EPERM`): owner or mode do not allow it.
    case permissionDenied(operation: String)
    /// The path is a symbolic link that leads back to itself (`ELOOP`).
    case symbolicLinkLoop
    /// The file is larger than the limit (its size and the limit, in bytes).
    case tooLarge(size: Int, limit: Int)
    /// The operating system refused; the text is its explanation (e.g. "Permission denied").
    case system(operation: String, explanation: String)
  }

  /// The path the operation was about.
  public var path: String
  /// Why it failed.
  public var reason: Reason

  /// Creates a file-system error.
  public init(path: String, reason: Reason) {
    self.path = path
    self.reason = reason
  }

  /// A one-line explanation without the path.
  public var description: String {
    switch reason {
    case .notRegularFile(let kind): return "it is \(kind), not a file"
    case .permissionDenied(let operation): return "cannot \(operation): Permission denied"
    case .symbolicLinkLoop: return "it is a symbolic link that leads back to itself (a loop)"
    case .tooLarge(let size, let limit):
      return "the file is \(ByteCount(size)) and the limit is \(ByteCount(limit))"
    case .system(let operation, let explanation): return "cannot \(operation): \(explanation)"
    }
  }
}

/// A byte count printed for people: `1.5 MiB`, `512 bytes`.
struct ByteCount: CustomStringConvertible {
  let bytes: Int
  init(_ bytes: Int) { self.bytes = bytes }

  var description: String {
    let units = ["KiB", "MiB", "GiB"]
    guard bytes >= 1024 else { return "\(bytes) bytes" }
    var value = Double(bytes) / 1024
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    let tenths = Int((value * 10).rounded())
    return tenths % 10 == 0 ? "\(tenths / 10) \(units[unit])" : "\(tenths / 10).\(tenths % 10) \(units[unit])"
  }
}
