import CShims

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Walks the files under a path and scans each: `.git` folders and symbolic links are not entered,
/// `.gitignore` is not followed (ignored files such as `.env` are where secrets sit before they
/// leak), files over the size limit are skipped.
struct WorkTreeFiles {
  /// Files larger than this are skipped.
  let maxSize: Int
  /// Whether look-alikes are reported too.
  let lookAlikes: Bool

  /// Scans `path` (a file or a folder) into `result`.
  func scan(_ path: String, into result: inout ScanResult) throws(ScanError) {
    var info = stat()
    guard lstat(path, &info) == 0 else {
      throw ScanError(message: "\(path): no such file or folder.", remedy: "Give an existing file or folder to scan.")
    }
    if cshims_file_type(info.st_mode) == cshims_S_IFDIR { walk(path, into: &result) } else { scanFile(path, info: info, into: &result) }
  }

  private func walk(_ folder: String, into result: inout ScanResult) {
    guard let directory = opendir(folder) else {
      result.skipped.append((folder, "unreadable folder"))
      return
    }
    var names: [String] = []
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      if name != "." && name != ".." && name != ".git" { names.append(name) }
    }
    closedir(directory)
    for name in names.sorted() {
      let path = folder == "." ? name : folder.hasSuffix("/") ? folder + name : folder + "/" + name
      var info = stat()
      guard lstat(path, &info) == 0 else { continue }
      switch cshims_file_type(info.st_mode) {
      case cshims_S_IFDIR: walk(path, into: &result)
      case cshims_S_IFREG: scanFile(path, info: info, into: &result)
      default: continue  // symbolic links, devices, sockets, FIFOs
      }
    }
  }

  private func scanFile(_ path: String, info: stat, into result: inout ScanResult) {
    guard cshims_file_type(info.st_mode) == cshims_S_IFREG else {
      result.skipped.append((path, "not a regular file"))
      return
    }
    let size = Int(info.st_size)
    guard size <= maxSize else {
      result.skipped.append((path, "larger than \(maxSize) bytes"))
      return
    }
    guard let bytes = Self.contents(path, size: size) else {
      result.skipped.append((path, "unreadable"))
      return
    }
    bytes.withUnsafeBytes { result.scan($0, at: ScanLocation(path: path, commit: nil, source: .file), lookAlikes: lookAlikes) }
  }

  /// The file's bytes (at most `size`: a file that grows while read is cut there), or nil.
  private static func contents(_ path: String, size: Int) -> [UInt8]? {
    let fd = cshims_open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: size)
    var filled = 0
    while filled < size {
      let count = bytes.withUnsafeMutableBytes { buffer in
        buffer.baseAddress.map { read(fd, $0 + filled, size - filled) } ?? -1
      }
      if count < 0 && cshims_errno() == EINTR { continue }
      guard count > 0 else { break }
      filled += count
    }
    bytes.removeLast(size - filled)
    return bytes
  }
}
