import Foundation

/// Files that hold secrets: created with mode 0600, written completely and fsynced before they appear.
enum SecureFile {
  /// Creates `path` with `contents` atomically (temporary file, fsync, link into place); fails if
  /// `path` already exists.
  static func writeNew(path: String, contents: [UInt8]) throws(ServerError) {
    let temporary = path + ".tmp-" + RandomText.base62(count: 8)
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      throw ServerError(.internal, "Could not create \(temporary): \(String(cString: strerror(errno))).")
    }
    defer { unlink(temporary) }
    var written = 0
    while written < contents.count {
      let result = contents[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      if result < 0 {
        if errno == EINTR { continue }
        close(fd)
        throw ServerError(.internal, "Could not write \(temporary): \(String(cString: strerror(errno))).")
      }
      written += result
    }
    let synced = fsync(fd)
    close(fd)
    guard synced == 0 else { throw ServerError(.internal, "Could not fsync \(temporary).") }
    // link() fails with EEXIST instead of replacing, so two processes never overwrite each other's key.
    guard link(temporary, path) == 0 else {
      throw ServerError(.alreadyExists, "Could not create \(path): \(String(cString: strerror(errno))).")
    }
    let directory = (path as NSString).deletingLastPathComponent
    let dirFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if dirFD >= 0 {
      fsync(dirFD)
      close(dirFD)
    }
  }

  /// Creates an empty file with mode 0600 unless one exists (then leaves it alone).
  static func createIfMissing(path: String) {
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    if fd >= 0 { close(fd) }
  }
}
