import CShims

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Temporary files an interrupted config write left behind.
///
/// A write puts the new text in `<file>.tmp-XXXXXX` (mkstemp's six letters and digits) beside the
/// final target of the config path and renames it over the file; a write killed before the rename
/// (`kill -9` of `modal token set`) leaves that file, with every profile's secret in it. Writers
/// hold the config file's lock while their temporary file exists, so under the lock any such file
/// is a leftover.
package enum StaleTemporaryFiles {
  /// The leftover temporary files of the config file at `path`, in name order (none when the
  /// folder cannot be listed).
  package static func find(besides path: String) -> [String] {
    guard let target = try? LocalFileSystem.finalTarget(ofLinksAt: path) else { return [] }
    let slash = target.lastIndex(of: "/")
    let folder = slash.map { $0 == target.startIndex ? "/" : String(target[..<$0]) } ?? "."
    let prefix = String(slash.map { target[target.index(after: $0)...] } ?? target[...]) + ".tmp-"
    return names(in: folder)
      .filter { name in
        guard name.hasPrefix(prefix) else { return false }
        let suffix = name.utf8.dropFirst(prefix.utf8.count)
        return suffix.count == 6 && suffix.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
      }
      .sorted()
      .map { folder == "/" ? "/" + $0 : folder + "/" + $0 }
      .filter { LocalFileSystem().fileInfo(atPath: $0)?.isRegularFile == true }
  }

  /// The entry names of `folder` (none when it cannot be listed). Plain `readdir`: Foundation's
  /// `FileManager` would load Foundation into every `modal` command (milliseconds at start-up).
  private static func names(in folder: String) -> [String] {
    guard let directory = opendir(folder) else { return [] }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }

  /// Removes the leftovers of the config file at `path`; call it holding the file's lock. Returns
  /// the paths it could not remove.
  @discardableResult
  package static func remove(besides path: String) -> [String] {
    find(besides: path).filter { unlink($0) != 0 && cshims_errno() != ENOENT }
  }
}
