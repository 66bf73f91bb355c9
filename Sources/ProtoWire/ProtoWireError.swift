/// A protobuf decoding failure: what went wrong, where, and what to do about it.
///
/// Decoding never traps on bad input; every malformed, truncated or over-limit input ends in one of these.
public struct ProtoWireError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The kind of failure, stable for programs to match on.
  public enum Code: String, Sendable, Hashable, CaseIterable {
    /// The input ends in the middle of a tag, a value or a length-delimited field.
    case truncated
    /// A varint is longer than 10 bytes, or a tag does not fit in 32 bits.
    case malformedVarint
    /// A tag carries wire type 6 or 7, which do not exist.
    case invalidWireType
    /// A known field arrives with a wire type its declared type cannot have.
    case wrongWireType
    /// A tag carries field number 0 or one above 536,870,911.
    case invalidFieldNumber
    /// A length prefix is negative or larger than 2 GiB.
    case invalidLength
    /// A `string` field holds bytes that are not valid UTF-8.
    case invalidUTF8
    /// Messages (or groups) are nested deeper than the decoding limit.
    case depthLimitExceeded
    /// The input is larger than the decoding size limit.
    case sizeLimitExceeded
    /// An end-group tag without a matching start-group tag, or a group that never ends.
    case unmatchedGroup
  }

  /// The kind of failure.
  public let code: Code
  /// A sentence naming the problem and its byte offset, such as `truncated varint at byte 17`.
  public let message: String
  /// The byte offset in the input where the problem was found.
  public let offset: Int

  /// Creates an error value.
  public init(_ code: Code, _ message: String, offset: Int) {
    self.code = code
    self.message = message
    self.offset = offset
  }

  /// What the caller can do about it.
  public var remedy: String {
    switch code {
    case .depthLimitExceeded, .sizeLimitExceeded:
      return "raise the limit in ProtoDecodingOptions if the input is trusted, otherwise reject it"
    case .wrongWireType:
      return "check that sender and receiver use the same .proto definition for this message"
    default:
      return "the input is not a valid protobuf encoding of this message; check the sender and the framing"
    }
  }

  /// `<code>: <message>`, for logs and error output.
  public var description: String { "\(code.rawValue): \(message)" }
}
