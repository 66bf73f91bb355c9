import RPC

/// Bounds how many login flows one client address may start per minute, in this process.
///
/// `TokenFlowCreate` needs no token and each call is a database write, so without a bound one
/// client could fill the `token_flows` table and keep the database busy. The count is per replica
/// and per minute (a fixed window), keyed by the caller's IP address without its port. Behind a
/// balancer that hides client addresses every caller shares one address: set the limit to 0.
package final class FlowStartLimiter: Sendable {
  /// Starts allowed per address and minute; 0 turns the limit off.
  package let perMinute: Int
  /// The current minute and the starts counted in it per address (earlier minutes are dropped
  /// whole, so the table never holds more than one minute's addresses).
  private let window = Locked<(minute: Int64, counts: [String: Int])>((minute: .min, counts: [:]))

  /// Creates a limiter.
  package init(perMinute: Int) {
    self.perMinute = perMinute
  }

  /// Counts a start from `peer` (a gRPC peer such as `ipv4:10.0.0.7:51234`) at `now`; `false`
  /// when the address already used up this minute.
  package func admit(peer: String, now: UnixTime) -> Bool {
    guard perMinute > 0 else { return true }
    let address = Self.address(of: peer)
    let minute = now.wholeSeconds / 60
    return window.withLock { window in
      if window.minute != minute { window = (minute: minute, counts: [:]) }
      let used = window.counts[address, default: 0]
      guard used < perMinute else { return false }
      window.counts[address] = used + 1
      return true
    }
  }

  /// The address part of a gRPC peer string: `ipv4:1.2.3.4:5` -> `1.2.3.4`,
  /// `ipv6:[::1]:5` -> `::1`; anything else as it is. Read as bytes (the core's peer strings are
  /// ASCII): every authenticated call asks, and stepping through characters cost about 1 percent
  /// of the server's time.
  package static func address(of peer: String) -> String {
    let bytes = peer.utf8
    if bytes.starts(with: "ipv4:".utf8) {
      let rest = bytes.dropFirst(5)
      return String(peer[rest.startIndex..<(rest.lastIndex(of: UInt8(ascii: ":")) ?? rest.endIndex)])
    }
    if bytes.starts(with: "ipv6:".utf8), let open = bytes.firstIndex(of: UInt8(ascii: "[")),
      let close = bytes.firstIndex(of: UInt8(ascii: "]")), open < close
    {
      return String(peer[bytes.index(after: open)..<close])
    }
    return peer
  }
}
