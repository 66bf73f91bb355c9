import CShims

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The process's own standard streams, and its controlling terminal for hidden prompts.
package struct StandardConsole: Console {
  /// Creates the console of the current process.
  package init() {}

  /// Writes text to standard output.
  package func write(_ text: String) { Self.writeAll(text, to: STDOUT_FILENO) }

  /// Writes text to standard error.
  package func writeError(_ text: String) { Self.writeAll(text, to: STDERR_FILENO) }

  /// Whether standard input is a terminal.
  package var isInputTerminal: Bool { isatty(STDIN_FILENO) == 1 }

  /// Whether standard output is a terminal.
  package var isOutputTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
  /// Whether standard output is a regular file, e.g. appended to `$GITHUB_ENV`.
  package var isOutputFile: Bool {
    var status = stat()
    return fstat(STDOUT_FILENO, &status) == 0 && cshims_file_type(status.st_mode) == cshims_S_IFREG
  }

  /// Reads one line from standard input, byte by byte so that nothing past the line is consumed.
  package func readLine() -> String? { Self.readLine(from: STDIN_FILENO) }

  /// Prompts on the controlling terminal with echo off; reads standard input when there is none.
  package func readSecret(prompt: String) -> String? {
    let terminal = cshims_open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC, 0)
    guard terminal >= 0 else {
      writeError(prompt)
      return readLine()
    }
    defer { close(terminal) }
    Self.writeAll(prompt, to: terminal)
    let answer = HiddenInput.read(from: terminal)
    Self.writeAll("\n", to: terminal)
    return answer
  }

  static func writeAll(_ text: String, to descriptor: Int32) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeMutableBytes { POSIX.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
      if written < 0 {
        if cshims_errno() == EINTR { continue }
        return
      }
      offset += written
    }
  }

  static func readLine(from descriptor: Int32) -> String? {
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while true {
      let count = POSIX.read(descriptor, &byte, 1)
      if count < 0 && cshims_errno() == EINTR { continue }
      if count <= 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
      if byte == UInt8(ascii: "\n") { break }
      bytes.append(byte)
    }
    if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
    return String(decoding: bytes, as: UTF8.self)
  }
}
