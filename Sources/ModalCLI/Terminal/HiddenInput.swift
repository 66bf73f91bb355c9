import CShims

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a line from a terminal with echo, line editing and signals off, so a secret is never
/// shown and the terminal is always restored, even on Ctrl-C (which cancels the prompt).
enum HiddenInput {
  /// The typed line; nil when the user pressed Ctrl-C, or Ctrl-D on an empty line.
  static func read(from terminal: Int32) -> String? {
    var saved = termios()
    guard tcgetattr(terminal, &saved) == 0 else { return StandardConsole.readLine(from: terminal) }
    var raw = saved
    raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG)
    withUnsafeMutableBytes(of: &raw.c_cc) { cc in
      cc[Int(VMIN)] = 1
      cc[Int(VTIME)] = 0
    }
    guard tcsetattr(terminal, TCSAFLUSH, &raw) == 0 else { return StandardConsole.readLine(from: terminal) }
    defer { _ = tcsetattr(terminal, TCSAFLUSH, &saved) }

    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while true {
      let count = POSIX.read(terminal, &byte, 1)
      if count < 0 && cshims_errno() == EINTR { continue }
      if count <= 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
      switch byte {
      case 0x03: return nil  // Ctrl-C
      case 0x04: if bytes.isEmpty { return nil }  // Ctrl-D on an empty line
      case 0x0A, 0x0D: return String(decoding: bytes, as: UTF8.self)
      case 0x08, 0x7F: if !bytes.isEmpty { bytes.removeLast() }  // Backspace
      case 0x15: bytes.removeAll()  // Ctrl-U
      default: bytes.append(byte)
      }
    }
  }
}
