import ProtoWire

/// Bytes from a hex string with optional spaces: `"0a 01 78"`.
func hex(_ text: String) -> [UInt8] {
  let digits = text.filter { !$0.isWhitespace }
  var bytes: [UInt8] = []
  var index = digits.startIndex
  while index < digits.endIndex {
    let next = digits.index(index, offsetBy: 2)
    bytes.append(UInt8(digits[index..<next], radix: 16) ?? 0)
    index = next
  }
  return bytes
}

/// The error decoding `bytes` as `Message` throws, or nil when it decodes.
func decodingError<Message: ProtoMessage>(
  _ type: Message.Type, _ bytes: [UInt8], options: ProtoDecodingOptions = ProtoDecodingOptions()
) -> ProtoWireError? {
  do {
    _ = try Message(serializedBytes: bytes, options: options)
    return nil
  } catch {
    return error
  }
}
