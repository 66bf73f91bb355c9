// libFuzzer entry point for the protobuf decoder: decodes the input as every ModalAPI message type
// and checks that whatever decodes re-encodes to bytes that decode to the same encoding again.
// Built by Fuzz/run-protowire-fuzz.sh; see docs/fuzzing.md.

import ModalAPI
import ProtoWire

/// Decodes `bytes` as `type`; when that succeeds, encoding must be stable across a second round trip.
func checkRoundTrip<Message: ProtoMessage>(_ type: Message.Type, _ bytes: UnsafeRawBufferPointer) {
  let options = ProtoDecodingOptions(maxDepth: 100, maxSize: 1 << 20)
  guard let message = try? Message(serializedBytes: bytes, options: options) else { return }
  let encoded = message.serializedBytes()
  do {
    let again = try Message(serializedBytes: encoded)
    if again.serializedBytes() != encoded {
      fatalError("\(Message.protoMessageName): re-encoding is not stable")
    }
  } catch {
    fatalError("\(Message.protoMessageName): own encoding does not decode: \(error)")
  }
}

/// The libFuzzer entry point: one input, decoded as every message type.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProtoWire(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  guard let data else { return 0 }
  let bytes = UnsafeRawBufferPointer(start: data, count: size)
  for type in ModalAPISchema.messageTypes {
    checkRoundTrip(type, bytes)
  }
  checkRoundTrip(Empty.self, bytes)
  checkRoundTrip(Timestamp.self, bytes)
  checkRoundTrip(AnyMessage.self, bytes)
  return 0
}
