/// A failed gRPC call: the status the call ended with, the metadata that came with it and, when
/// the channel could not connect, a diagnosis of why.
public struct RPCError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The status the call ended with (never `.ok`).
  public var status: Status
  /// Initial metadata (response headers) received before the failure, if any.
  public var initialMetadata: Metadata
  /// Trailing metadata received with the status, if any.
  public var trailingMetadata: Metadata
  /// Why the channel could not connect, when the call failed `UNAVAILABLE` for that reason.
  public var connectionFailure: ConnectionFailure?
  /// The gRPC core's full-fidelity error text, for logs and bug reports (may be empty).
  public var debugDetail: String

  /// Creates an error with a status and optional metadata.
  public init(
    status: Status, initialMetadata: Metadata = Metadata(), trailingMetadata: Metadata = Metadata(),
    connectionFailure: ConnectionFailure? = nil, debugDetail: String = ""
  ) {
    self.status = status
    self.initialMetadata = initialMetadata
    self.trailingMetadata = trailingMetadata
    self.connectionFailure = connectionFailure
    self.debugDetail = debugDetail
  }

  /// Creates an error from a code, a message and optional details bytes (`grpc-status-details-bin`);
  /// handlers throw this to fail a call with that status.
  public init(code: Status.Code, message: String, details: [UInt8]? = nil, trailingMetadata: Metadata = Metadata()) {
    self.init(status: Status(code: code, message: message, details: details), trailingMetadata: trailingMetadata)
  }

  /// The status code.
  public var code: Status.Code { status.code }
  /// The status message.
  public var message: String { status.message }

  /// What the user can do about it, when something specific is known.
  public var remedy: String? {
    if let connectionFailure { return connectionFailure.remedy }
    switch status.code {
    case .deadlineExceeded: return "retry, or allow more time with a longer timeout"
    case .unauthenticated: return "check the credentials sent with the call"
    default: return nil
    }
  }

  /// "CODE: message", or the connection diagnosis when there is one.
  public var description: String {
    if let connectionFailure {
      return "\(status.code): \(connectionFailure.summary)"
    }
    return status.description
  }

  /// The error for a call cancelled locally (Task cancellation or an explicit cancel).
  static func cancelled(_ message: String = "the call was cancelled") -> RPCError {
    RPCError(code: .cancelled, message: message)
  }

  /// The error of a call whose timeout is zero or negative: its deadline has passed before it
  /// starts, so it fails at once instead of racing a fast server's reply against the core's timer.
  static func expiredBeforeStart(_ timeout: Duration?) -> RPCError? {
    guard let timeout, timeout <= .zero else { return nil }
    return RPCError(code: .deadlineExceeded, message: "Deadline Exceeded")
  }
}
