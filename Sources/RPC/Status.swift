/// The outcome of a gRPC call: a code, a human-readable message and optional structured details.
public struct Status: Sendable, Hashable, CustomStringConvertible {
  /// The seventeen gRPC status codes (https://grpc.io/docs/guides/status-codes/).
  public enum Code: Int32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Not an error; returned on success.
    case ok = 0
    /// The operation was cancelled, typically by the caller.
    case cancelled = 1
    /// Unknown error, or an error from another error space.
    case unknown = 2
    /// The client specified an invalid argument.
    case invalidArgument = 3
    /// The deadline expired before the operation could complete.
    case deadlineExceeded = 4
    /// Some requested entity was not found.
    case notFound = 5
    /// The entity that a client attempted to create already exists.
    case alreadyExists = 6
    /// The caller does not have permission to execute the operation.
    case permissionDenied = 7
    /// Some resource has been exhausted (quota, message size, memory).
    case resourceExhausted = 8
    /// The system is not in a state required for the operation.
    case failedPrecondition = 9
    /// The operation was aborted, typically due to a concurrency issue.
    case aborted = 10
    /// The operation was attempted past the valid range.
    case outOfRange = 11
    /// The operation is not implemented or not supported by the server.
    case unimplemented = 12
    /// An internal invariant was broken.
    case `internal` = 13
    /// The service is currently unavailable (often transient: retry with backoff).
    case unavailable = 14
    /// Unrecoverable data loss or corruption.
    case dataLoss = 15
    /// The request does not have valid authentication credentials.
    case unauthenticated = 16

    /// The code for a wire value; values outside 0...16 become `.unknown`, as the gRPC spec says.
    public init(wireValue: Int32) {
      self = Code(rawValue: wireValue) ?? .unknown
    }

    /// The canonical upper-case name, for example "UNAUTHENTICATED".
    public var description: String {
      switch self {
      case .ok: "OK"
      case .cancelled: "CANCELLED"
      case .unknown: "UNKNOWN"
      case .invalidArgument: "INVALID_ARGUMENT"
      case .deadlineExceeded: "DEADLINE_EXCEEDED"
      case .notFound: "NOT_FOUND"
      case .alreadyExists: "ALREADY_EXISTS"
      case .permissionDenied: "PERMISSION_DENIED"
      case .resourceExhausted: "RESOURCE_EXHAUSTED"
      case .failedPrecondition: "FAILED_PRECONDITION"
      case .aborted: "ABORTED"
      case .outOfRange: "OUT_OF_RANGE"
      case .unimplemented: "UNIMPLEMENTED"
      case .internal: "INTERNAL"
      case .unavailable: "UNAVAILABLE"
      case .dataLoss: "DATA_LOSS"
      case .unauthenticated: "UNAUTHENTICATED"
      }
    }
  }

  /// The metadata key that carries `details` on the wire.
  public static let detailsKey = "grpc-status-details-bin"

  /// The status code.
  public var code: Code
  /// The message (`grpc-message`), already percent-decoded.
  public var message: String
  /// The raw bytes of `grpc-status-details-bin` (usually an encoded `google.rpc.Status`), if sent.
  public var details: [UInt8]?

  /// Creates a status.
  public init(code: Code, message: String = "", details: [UInt8]? = nil) {
    self.code = code
    self.message = message
    self.details = details
  }

  /// The successful status.
  public static let ok = Status(code: .ok)

  /// Whether the code is `.ok`.
  public var isOK: Bool { code == .ok }

  /// "CODE" or "CODE: message".
  public var description: String {
    message.isEmpty ? code.description : "\(code): \(message)"
  }
}
