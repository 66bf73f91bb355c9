import Foundation

/// What one replica sends the others with `pg_notify`: a `StoreEvent` and the wall-clock time it
/// was sent, just before its transaction's commit, so receivers can measure how late they apply it
/// (`modal_server_change_event_lag_seconds`).
///
/// The payload is `<event's wire text>@<Unix time in microseconds>`; a payload without `@` (from
/// a replica of an earlier version) is the bare event, with no time.
struct ChangeNotice: Sendable, Equatable {
  /// The change.
  var event: StoreEvent
  /// When it was sent, in microseconds since 1970; `nil` when the sender did not say.
  var sentAtMicroseconds: Int64?

  /// A notice for `event` sent now.
  init(_ event: StoreEvent, sentAtMicroseconds: Int64? = ChangeNotice.nowMicroseconds()) {
    self.event = event
    self.sentAtMicroseconds = sentAtMicroseconds
  }

  /// The text sent as the `NOTIFY` payload.
  var payload: String {
    guard let sentAtMicroseconds else { return event.wireText }
    return event.wireText + "@" + String(sentAtMicroseconds)
  }

  /// Parses `payload`; `nil` for anything that is not a notice (a probe, a forged message).
  init?(payload: String) {
    let parts = payload.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
    guard let event = StoreEvent(wireText: String(parts[0])) else { return nil }
    self.event = event
    guard parts.count == 2 else {
      sentAtMicroseconds = nil
      return
    }
    guard let time = Int64(parts[1]), time > 0 else { return nil }
    sentAtMicroseconds = time
  }

  /// Seconds from sending to `nowMicroseconds` (never negative: clocks of two hosts can disagree
  /// by a little), or `nil` when the sender gave no time.
  func lag(nowMicroseconds: Int64 = ChangeNotice.nowMicroseconds()) -> Double? {
    sentAtMicroseconds.map { Double(max(0, nowMicroseconds - $0)) / 1_000_000 }
  }

  /// The wall clock in microseconds since 1970 (replicas on different hosts share only this one).
  static func nowMicroseconds() -> Int64 {
    Int64((Date().timeIntervalSince1970 * 1_000_000).rounded())
  }
}
