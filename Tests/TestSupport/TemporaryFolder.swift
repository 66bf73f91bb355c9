import Foundation
import Modal

/// A fresh folder under the system's temporary folder, removed when the value is deinitialised.
public final class TemporaryFolder: @unchecked Sendable {
  public let path: String

  public init() {
    path = NSTemporaryDirectory() + "modal-tests-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// Writes text to a file in the folder and returns its path.
  @discardableResult
  public func write(_ text: String, to name: String = ".modal.toml") -> String {
    let file = path + "/" + name
    try! Data(text.utf8).write(to: URL(fileURLWithPath: file))
    return file
  }

  /// Reads a file of the folder as text.
  public func read(_ name: String = ".modal.toml") -> String? {
    try? String(contentsOfFile: path + "/" + name, encoding: .utf8)
  }

  /// A host whose home folder is this folder, with the given variables.
  public func host(_ variables: [String: String] = [:]) -> HostEnvironment {
    HostEnvironment(variables: variables, homeDirectory: path)
  }
}
