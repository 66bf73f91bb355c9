/// A protobuf message as a Swift value: decodes from and encodes to the binary wire format.
///
/// Generated code implements ``decodeFields(from:)`` and ``encodeFields(to:)``; everything else
/// (``init(serializedBytes:options:)``, ``serializedBytes()``, merging) comes from this protocol.
public protocol ProtoMessage: Sendable, Equatable {
  /// The full protobuf name, such as `modal.client.ClientHelloResponse`.
  static var protoMessageName: String { get }
  /// A message with every field at its default.
  init()
  /// Fields the schema does not know, re-emitted on encoding.
  var unknownFields: UnknownFields { get set }
  /// Reads fields until the end of `reader`, merging them into this message (last value wins,
  /// repeated fields append, sub-messages merge), as protobuf parsing does.
  mutating func decodeFields(from reader: inout ProtoReader) throws(ProtoWireError)
  /// Writes every field in field-number order (proto3 defaults skipped), then the unknown fields.
  func encodeFields(to writer: inout ProtoWriter)
}

extension ProtoMessage {
  /// Decodes a message from its binary encoding.
  public init(serializedBytes bytes: [UInt8], options: ProtoDecodingOptions = ProtoDecodingOptions())
    throws(ProtoWireError)
  {
    self.init()
    try merge(serializedBytes: bytes, options: options)
  }

  /// Decodes a message from a borrowed buffer holding its binary encoding.
  public init(serializedBytes bytes: UnsafeRawBufferPointer, options: ProtoDecodingOptions = ProtoDecodingOptions())
    throws(ProtoWireError)
  {
    self.init()
    try merge(serializedBytes: bytes, options: options)
  }

  /// Merges an encoded message into this one.
  public mutating func merge(serializedBytes bytes: [UInt8], options: ProtoDecodingOptions = ProtoDecodingOptions())
    throws(ProtoWireError)
  {
    // `withUnsafeBytes` only rethrows untyped errors, so the typed error travels out as a Result.
    let outcome: Result<Void, ProtoWireError> = bytes.withUnsafeBytes { buffer in
      do throws(ProtoWireError) {
        try merge(serializedBytes: buffer, options: options)
        return .success(())
      } catch {
        return .failure(error)
      }
    }
    try outcome.get()
  }

  /// Merges an encoded message held in a borrowed buffer into this one.
  public mutating func merge(
    serializedBytes bytes: UnsafeRawBufferPointer, options: ProtoDecodingOptions = ProtoDecodingOptions()
  ) throws(ProtoWireError) {
    var reader = try ProtoReader(buffer: bytes, options: options)
    try decodeFields(from: &reader)
  }

  /// The binary encoding: fields in number order, proto3 defaults skipped, map keys sorted.
  public func serializedBytes() -> [UInt8] {
    var writer = ProtoWriter()
    encodeFields(to: &writer)
    return writer.bytes
  }
}
