import CShims

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads the current process's environment without Foundation, for a fast cold start.
enum ProcessEnvironment {
  /// Every `NAME=value` pair of the process environment.
  ///
  /// Works on the C strings' bytes: splitting `String`s by `Character` (grapheme breaking) made
  /// this a tenth of a command's start-up.
  static func variables() -> VariableTable {
    var names: [String] = []
    var values: [String] = []
    // NULL once the environment has been cleared (clearenv).
    guard var pointer = cshims_environ() else { return VariableTable(names: names, values: values) }
    while let entry = pointer.pointee {
      pointer += 1
      let length = strlen(entry)
      entry.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
        let pair = UnsafeBufferPointer(start: bytes, count: length)
        guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else { return }
        names.append(String(decoding: UnsafeBufferPointer(rebasing: pair[..<equals]), as: UTF8.self))
        values.append(String(decoding: UnsafeBufferPointer(rebasing: pair[(equals + 1)...]), as: UTF8.self))
      }
    }
    return VariableTable(names: names, values: values)
  }

  /// The home folder from the password database, used when `HOME` is unset.
  static func passwdHome() -> String? {
    guard let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir else { return nil }
    return String(cString: dir)
  }

  /// The process's working folder (`getcwd`), nil when it cannot be read (removed, or too long).
  static func workingDirectory() -> String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    guard getcwd(&buffer, buffer.count) != nil else { return nil }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
