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
    waitForEnd().status
  }

  /// Like `waitForExit()`, with whether a signal ended the child. Foundation usually notices the
  /// end within milliseconds, and its own status and reason are then available (asking for them
  /// earlier traps), so `/proc`'s are only used when it has not noticed after `grace` seconds.
  public func waitForEnd(grace: Double = 5) -> (status: Int32, signalled: Bool) {
    var endSeen: Date?
    while isRunning {
      if let ended = Self.ended(processIdentifier) {
        let seen = endSeen ?? Date()
        endSeen = seen
        if Date().timeIntervalSince(seen) > grace { return ended }
      }
      usleep(10_000)
    }
    return (terminationStatus, terminationReason == .uncaughtSignal)
  }

  /// The status of a child that has ended and awaits reaping (a zombie), from `/proc/PID/stat`,
  /// and whether a signal ended it; nil while it runs (or off Linux).
  static func ended(_ pid: Int32) -> (status: Int32, signalled: Bool)? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let nameEnd = text.lastIndex(of: ")")
    else { return nil }
    // After the parenthesised name come field 3 (the state) onwards; field 52 is the exit code
    // in waitpid's form.
    let fields = text[text.index(after: nameEnd)...].split(separator: " ")
    guard fields.first == "Z", fields.count > 49, let code = Int32(fields[49].trimmingCharacters(in: .whitespacesAndNewlines))
    else { return nil }
    let signal = code & 0x7f
    return signal != 0 ? (signal, true) : ((code >> 8) & 0xff, false)
  }
}
