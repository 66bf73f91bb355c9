/// A call the server answered before any handler ran: unknown method, no request message (too
/// large for the limit, or never sent) or more than one.
public struct RefusedCall: Sendable, Hashable {
  /// The method path the client asked for (`/package.Service/Method`).
  public var method: String
  /// The client's address as the core reports it (`ipv4:127.0.0.1:5000`).
  public var peer: String
  /// The status code the call ended with (or, when the core ended it, the likeliest one).
  public var code: Status.Code
  /// Why, in a few words.
  public var reason: String

  /// Creates a record of a refused call.
  public init(method: String, peer: String, code: Status.Code, reason: String) {
    self.method = method
    self.peer = peer
    self.code = code
    self.reason = reason
  }
}

extension ServerConfiguration {
  /// Called with every call refused before its handler ran, on the thread that refused it (keep
  /// it short, and rate-limit what it writes: a hostile client can make many).
  ///
  /// Configurations compare and hash by their limits and addresses only: every hook is equal to
  /// every other.
  public struct RefusedCallHook: Sendable, Hashable {
    /// The function called.
    public let call: @Sendable (RefusedCall) -> Void

    /// Wraps `call`.
    public init(_ call: @escaping @Sendable (RefusedCall) -> Void) { self.call = call }

    /// Always true: a hook is not part of a configuration's identity.
    public static func == (lhs: Self, rhs: Self) -> Bool { true }

    /// Adds nothing.
    public func hash(into hasher: inout Hasher) {}
  }
}

/// Counts refused calls and hands each to the configured hook.
final class RefusedCalls: Sendable {
  private let count = Locked(0)
  private let hook: ServerConfiguration.RefusedCallHook?

  init(hook: ServerConfiguration.RefusedCallHook?) { self.hook = hook }

  /// How many calls were refused so far.
  var total: Int { count.withLock { $0 } }

  /// Counts `call` and reports it.
  func record(_ call: RefusedCall) {
    count.withLock { $0 += 1 }
    hook?.call(call)
  }
}
