import CShims

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The machine's own file system, through POSIX calls.
public struct LocalFileSystem: FileSystem {
  /// Creates a handle to the local file system.
  public init() {}

  /// Reads a whole regular file; nil when nothing exists at `path`; `/dev/null` reads as empty.
  ///
  /// The path is inspected before it is opened (a FIFO would block `open` until a writer came),
  /// and opened without blocking in case it was swapped for one in between.
  public func readFile(atPath path: String, maxBytes: Int) throws(FileSystemError) -> [UInt8]? {
    guard let before = try Self.status(atPath: path, followingLinks: true) else { return nil }
    if Self.isNullDevice(before) { return [] }
    try Self.requireRegularFile(before, path: path)
    let fd = cshims_open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0)
    if fd < 0 {
      let code = cshims_errno()
      if code == ENOENT || code == ENOTDIR { return nil }
      throw Self.failure(code, operation: "open it", path: path)
    }
    defer { close(fd) }
    var status = stat()
    guard fstat(fd, &status) == 0 else {
      throw FileSystemError(path: path, reason: .system(operation: "inspect it", explanation: Self.explain(cshims_errno())))
    }
    try Self.requireRegularFile(status, path: path)
    let size = Int(status.st_size)
    if size > maxBytes { throw FileSystemError(path: path, reason: .tooLarge(size: size, limit: maxBytes)) }

    var bytes = [UInt8](repeating: 0, count: size + 1)
    var filled = 0
    while true {
      if filled == bytes.count {
        // The file grew while being read: keep reading up to the limit.
        guard bytes.count <= maxBytes else {
          throw FileSystemError(path: path, reason: .tooLarge(size: bytes.count, limit: maxBytes))
        }
        bytes.append(contentsOf: repeatElement(0, count: max(4096, bytes.count)))
      }
      let count = bytes.withUnsafeMutableBytes { buffer in
        read(fd, buffer.baseAddress! + filled, buffer.count - filled)
      }
      if count < 0 {
        if cshims_errno() == EINTR { continue }
        throw FileSystemError(path: path, reason: .system(operation: "read it", explanation: Self.explain(cshims_errno())))
      }
      if count == 0 { break }
      filled += count
    }
    if filled > maxBytes { throw FileSystemError(path: path, reason: .tooLarge(size: filled, limit: maxBytes)) }
    bytes.removeLast(bytes.count - filled)
    return bytes
  }

  /// Facts about the file at `path` (following links), or nil when nothing exists there.
  public func fileInfo(atPath path: String) -> FileInfo? {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    return FileInfo(
      kind: Self.kind(of: status), permissions: UInt32(status.st_mode & 0o7777), size: Int(status.st_size),
      ownerID: UInt32(status.st_uid))
  }

  /// Replaces the file atomically: write a temporary file beside it, fsync, rename, fsync the folder.
  ///
  /// A symbolic link is followed to the end of its chain, and the temporary file is written and
  /// renamed beside that final target, so the link stays a link (as dotfile managers need).
  public func replaceFile(atPath path: String, with contents: [UInt8], mode: UInt32) throws(FileSystemError) {
    let target = try Self.finalTarget(ofLinksAt: path)
    if target.hasSuffix("/") { throw FileSystemError(path: path, reason: .notRegularFile(.folder)) }
    if let existing = try Self.status(atPath: target, followingLinks: false) {
      try Self.requireRegularFile(existing, path: path)
    }
    let folder = Self.parentFolder(of: target)
    try createFolders(folder, originalPath: path)

    var template = Array((target + ".tmp-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else {
      throw FileSystemError(
        path: path, reason: .system(operation: "create a temporary file in \(folder)", explanation: Self.explain(cshims_errno())))
    }
    let temporaryPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    var succeeded = false
    defer {
      if !succeeded { unlink(temporaryPath) }
    }
    do {
      defer { close(fd) }
      guard fchmod(fd, mode_t(mode)) == 0 else {
        throw FileSystemError(path: path, reason: .system(operation: "set its mode", explanation: Self.explain(cshims_errno())))
      }
      var written = 0
      while written < contents.count {
        let count = contents.withUnsafeBytes { buffer in
          write(fd, buffer.baseAddress! + written, buffer.count - written)
        }
        if count < 0 {
          if cshims_errno() == EINTR { continue }
          throw FileSystemError(path: path, reason: .system(operation: "write it", explanation: Self.explain(cshims_errno())))
        }
        written += count
      }
      guard fsync(fd) == 0 else {
        throw FileSystemError(path: path, reason: .system(operation: "flush it to disk", explanation: Self.explain(cshims_errno())))
      }
    }
    guard rename(temporaryPath, target) == 0 else {
      throw FileSystemError(path: path, reason: .system(operation: "replace it", explanation: Self.explain(cshims_errno())))
    }
    succeeded = true
    let folderDescriptor = cshims_open(folder, O_RDONLY | O_CLOEXEC, 0)
    if folderDescriptor >= 0 {
      _ = fsync(folderDescriptor)
      close(folderDescriptor)
    }
  }

  /// Runs `body` holding an exclusive `flock` on the sidecar file `<path>.lock` (mode 0600).
  ///
  /// The lock is on a sidecar file because the config file itself is replaced by rename, which
  /// would leave a lock on the old inode.
  public func withExclusiveLock<T>(
    forPath path: String, _ body: () throws(ModalError) -> T
  ) throws(ModalError) -> T {
    let lockPath = path + ".lock"
    do throws(FileSystemError) {
      try createFolders(Self.parentFolder(of: path), originalPath: path)
    } catch {
      throw ModalError(.writeFailed, "Cannot write \(path): \(error.description).")
    }
    let fd = cshims_open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      throw ModalError(
        .writeFailed, "Cannot open the lock file \(lockPath): \(Self.explain(cshims_errno())).",
        remedy: "Check that you can write to \(Self.parentFolder(of: path)).")
    }
    defer { close(fd) }
    while flock(fd, LOCK_EX) != 0 {
      if cshims_errno() == EINTR { continue }
      throw ModalError(.writeFailed, "Cannot lock \(lockPath): \(Self.explain(cshims_errno())).")
    }
    defer { flock(fd, LOCK_UN) }
    return try body()
  }

  /// Creates `folder` and its missing parents with mode 0700.
  private func createFolders(_ folder: String, originalPath: String) throws(FileSystemError) {
    if fileInfo(atPath: folder)?.isDirectory == true { return }
    let parent = Self.parentFolder(of: folder)
    if parent != folder { try createFolders(parent, originalPath: originalPath) }
    if mkdir(folder, 0o700) != 0 && cshims_errno() != EEXIST {
      throw FileSystemError(
        path: originalPath, reason: .system(operation: "create the folder \(folder)", explanation: Self.explain(cshims_errno())))
    }
  }

  /// The status of what is at `path`, or nil when nothing is there (a missing folder on the way
  /// counts as nothing).
  private static func status(atPath path: String, followingLinks: Bool) throws(FileSystemError) -> stat? {
    var status = stat()
    if (followingLinks ? stat(path, &status) : lstat(path, &status)) == 0 { return status }
    let code = cshims_errno()
    if code == ENOENT || code == ENOTDIR { return nil }
    throw failure(code, operation: "inspect it", path: path)
  }

  /// The error for `errno` `code`: access refused and link loops get reasons of their own (the
  /// fixes differ), everything else is the system's explanation.
  private static func failure(_ code: Int32, operation: String, path: String) -> FileSystemError {
    switch code {
    case EACCES, EPERM: return FileSystemError(path: path, reason: .permissionDenied(operation: operation))
    case ELOOP: return FileSystemError(path: path, reason: .symbolicLinkLoop)
    default: return FileSystemError(path: path, reason: .system(operation: operation, explanation: explain(code)))
    }
  }

  /// What a status describes.
  private static func kind(of status: stat) -> FileKind {
    switch cshims_file_type(status.st_mode) {
    case cshims_S_IFREG: return .regularFile
    case cshims_S_IFDIR: return .folder
    case cshims_S_IFCHR, cshims_S_IFBLK: return .device
    case cshims_S_IFIFO: return .fifo
    case cshims_S_IFSOCK: return .socket
    default: return .other
    }
  }

  /// Throws ``FileSystemError/Reason/notRegularFile(_:)`` unless the status is a regular file's.
  private static func requireRegularFile(_ status: stat, path: String) throws(FileSystemError) {
    let kind = kind(of: status)
    guard kind == .regularFile else { throw FileSystemError(path: path, reason: .notRegularFile(kind)) }
  }

  /// Whether a status is the null device's (`/dev/null`, or a link to it).
  private static func isNullDevice(_ status: stat) -> Bool {
    var null = stat()
    guard cshims_file_type(status.st_mode) == cshims_S_IFCHR, stat("/dev/null", &null) == 0 else { return false }
    return cshims_file_type(null.st_mode) == cshims_S_IFCHR && status.st_rdev == null.st_rdev
  }

  /// Where a chain of symbolic links starting at `path` ends: `path` itself when it is no link.
  /// The end may not exist yet (a dangling link).
  static func finalTarget(ofLinksAt path: String) throws(FileSystemError) -> String {
    var current = path
    for _ in 0..<40 {
      guard let status = try status(atPath: current, followingLinks: false), cshims_file_type(status.st_mode) == cshims_S_IFLNK else {
        return current
      }
      var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
      let count = buffer.withUnsafeMutableBufferPointer { readlink(current, $0.baseAddress!, $0.count) }
      guard count >= 0 else {
        throw FileSystemError(path: path, reason: .system(operation: "read the link \(current)", explanation: explain(cshims_errno())))
      }
      let destination = String(decoding: buffer[..<count], as: UTF8.self)
      current = destination.hasPrefix("/") ? destination : parentFolder(of: current) + "/" + destination
    }
    throw FileSystemError(path: path, reason: .symbolicLinkLoop)
  }

  /// The folder that holds `path` (`.` for a bare name, `/` for a top-level entry).
  static func parentFolder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    if slash == path.startIndex { return "/" }
    return String(path[..<slash])
  }

  /// The operating system's text for an `errno` value.
  static func explain(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
  }
}
