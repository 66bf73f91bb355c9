import ModalAPI
import ProtoWire
import RPC

/// What a server asked of the client in an error's `grpc-status-details-bin`.
struct ServerDirectives {
  /// `RPCRetryPolicy.retry_after_secs`: retry after this long (at least 0.1 s, at most
  /// `longestRetryAfter`).
  var retryAfter: Duration?

  /// The longest server-directed wait honoured; longer ones are cut to it.
  static let longestRetryAfter: Duration = .seconds(24 * 60 * 60)

  /// Reads the details of a failed call; anything undecodable is ignored, and so is a wait that is
  /// not a finite number (NaN or infinity: the call then fails or retries by the usual rules).
  init(_ error: RPCError) {
    guard let bytes = error.status.details, let status = try? RPCStatus(serializedBytes: bytes) else { return }
    for detail in status.details where detail.typeURL.hasSuffix("/modal.client.RPCRetryPolicy") {
      guard let policy = try? RPCRetryPolicy(serializedBytes: detail.value), policy.retryAfterSecs.isFinite else { continue }
      let longest = Double(Self.longestRetryAfter.components.seconds)
      let seconds = min(max(Double(policy.retryAfterSecs), 0.1), longest)
      retryAfter = .milliseconds(Int64((seconds * 1000).rounded()))
    }
  }
}

/// A warning the server sent: in `ClientHelloResponse`, or in an `x-modal-warning` trailer.
public struct ServerWarning: Sendable, Equatable, CustomStringConvertible {
  /// What kind of warning it is, when the server said.
  public var kind: Warning.WarningType
  /// The text to show the user.
  public var message: String

  /// Creates a warning.
  public init(kind: Warning.WarningType = .unspecified, message: String) {
    self.kind = kind
    self.message = message
  }

  /// The message.
  public var description: String { message }

  /// The warnings in a call's `x-modal-warning` trailers (percent-decoded).
  static func fromTrailers(_ metadata: Metadata) -> [ServerWarning] {
    metadata.values("x-modal-warning").map { ServerWarning(message: $0.removingPercentEncodingLeniently()) }
  }
}
