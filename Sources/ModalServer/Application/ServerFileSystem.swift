import Foundation

/// What is at a path: nothing, a file, or a folder.
package enum FileKind: Sendable, Equatable {
  /// Nothing is there.
  case missing
  /// A file (or anything that is not a folder).
  case file
  /// A folder.
  case directory
}

/// A file-system operation that failed, with the system's explanation (`description`).
package struct FileSystemFailure: Error, Sendable {
  /// The system's explanation, as the user sees it after "Could not …: ".
  package let description: String

  /// A failure explained by `description`.
  package init(_ description: String) { self.description = description }
}

/// The file operations the data folder needs, injected so its rules can be tested without a disk.
package protocol ServerFileSystem: Sendable {
  /// What is at `path`.
  func kind(of path: String) -> FileKind
  /// Creates the folder `path` and its missing parents with `mode`.
  func createDirectory(_ path: String, mode: Int) throws(FileSystemFailure)
  /// The UTF-8 text of the file at `path`.
  func readText(_ path: String) throws(FileSystemFailure) -> String
  /// The permission bits of `path`, if they can be read.
  func permissions(of path: String) -> Int?
  /// Creates `path` with `contents` (mode 0600, atomically, fsynced); `alreadyExists` if it exists.
  func writeNew(_ path: String, contents: [UInt8]) throws(ServerError)
}

/// The machine's own file system.
package struct LocalFileSystem: ServerFileSystem {
  /// The machine's file system.
  package init() {}

  package func kind(of path: String) -> FileKind {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .missing }
    return isDirectory.boolValue ? .directory : .file
  }

  package func createDirectory(_ path: String, mode: Int) throws(FileSystemFailure) {
    do {
      try FileManager.default.createDirectory(
        atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
    } catch {
      throw FileSystemFailure(error.localizedDescription)
    }
  }

  package func readText(_ path: String) throws(FileSystemFailure) -> String {
    do {
      return try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw FileSystemFailure(error.localizedDescription)
    }
  }

  package func permissions(of path: String) -> Int? {
    // Unreadable attributes skip the permission check; reading the file reports the real problem.
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
    return attributes[.posixPermissions] as? Int
  }

  package func writeNew(_ path: String, contents: [UInt8]) throws(ServerError) {
    try SecureFile.writeNew(path: path, contents: contents)
  }
}
