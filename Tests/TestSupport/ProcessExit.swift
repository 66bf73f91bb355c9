import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Process {
  /// Waits (polling) for a child that was sent a signal to end, and returns its exit status (the
  /// signal's number when a signal ended it).
  ///
  /// Foundation learns of a child's end when a socket the child inherited closes. A child spawned
  /// at the same moment as another can inherit the other's socket too, so `isRunning` stays true
  /// until both are gone, and a test that stops them one after the other waits forever (seen with
  /// `ReplicaTests`' three replicas started at once). Linux shows the end in `/proc` at once,
  /// without reaping the child, which Foundation still does later.
  public func waitForExit() -> Int32 {
    while isRunning {
      if let status = Self.endedStatus(of: processIdentifier) { return status }
      usleep(10_000)
    }
    return terminationStatus
  }

  /// The status of a child that has ended and awaits reaping (a zombie), from `/proc/PID/stat`;
  /// nil while it runs (or off Linux).
  static func endedStatus(of pid: Int32) -> Int32? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let nameEnd = text.lastIndex(of: ")")
    else { return nil }
    // After the parenthesised name come field 3 (the state) onwards; field 52 is the exit code
    // in waitpid's form.
    let fields = text[text.index(after: nameEnd)...].split(separator: " ")
    guard fields.first == "Z", fields.count > 49, let code = Int32(fields[49].trimmingCharacters(in: .whitespacesAndNewlines))
    else { return nil }
    let signal = code & 0x7f
    return signal != 0 ? signal : (code >> 8) & 0xff
  }
}
