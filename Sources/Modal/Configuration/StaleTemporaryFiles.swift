import Foundation

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
    let url = URL(fileURLWithPath: target)
    let folder = url.deletingLastPathComponent().path
    let prefix = url.lastPathComponent + ".tmp-"
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
    return names.filter { name in
      guard name.hasPrefix(prefix) else { return false }
      let suffix = name.dropFirst(prefix.count)
      return suffix.count == 6 && suffix.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }
    .sorted()
    .map { folder == "/" ? "/" + $0 : folder + "/" + $0 }
    .filter { LocalFileSystem().fileInfo(atPath: $0)?.isRegularFile == true }
  }

  /// Removes the leftovers of the config file at `path`; call it holding the file's lock. Returns
  /// the paths it could not remove.
  @discardableResult
  package static func remove(besides path: String) -> [String] {
    find(besides: path).filter { unlink($0) != 0 && errno != ENOENT }
  }
}
