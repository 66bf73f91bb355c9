@testable import RPC
import CGRPC
import Testing

/// Binary keys recognised in any case without copying, and the server's table of request keys.
@Suite struct MetadataKeyTests {
  @Test func binaryKeysInAnyCase() {
    for key in ["x-details-bin", "X-Details-BIN", "a-Bin", "-bin", "grpc-status-details-bin"] {
      #expect(Metadata.isBinaryKey(key), "\(key)")
    }
    for key in ["bin", "-bi", "x-bin-", "x-modal-token-endpoint", "", "x_bin", "x-b\u{130}n"] {
      #expect(!Metadata.isBinaryKey(key), "\(key)")
    }
  }

  /// Text values must be printable ASCII, short (inline) or long, checked to their last byte.
  @Test func textValuesMustBePrintableASCII() throws {
    let long = String(repeating: "eyJhbGciOiJSUzI1NiJ9.", count: 40)
    let good: Metadata = ["x-modal-oauth-client-assertion": long, "x-empty": ""]
    try good.validate()
    for bad in ["a\u{7}b", "caf\u{E9}", "tab\there", long + "\n", "\u{7F}"] {
      let metadata: Metadata = ["x-value": bad]
      #expect(throws: RPCError.self, "\(bad.debugDescription)") { try metadata.validate() }
    }
  }

  /// Every character U+0000-U+00FF at the first, a middle and the last place of a short and a
  /// long value is judged on its own: the check reads all bytes in one pass, with no early exit.
  @Test func eachCharacterAtEachPlaceIsJudged() {
    for length in [1, 15, 700] {
      for place in Set([0, length / 2, length - 1]) {
        for code in UInt8.min...UInt8.max {
          var characters = Array(repeating: Character("a"), count: length)
          characters[place] = Character(Unicode.Scalar(code))
          let metadata: Metadata = ["x-value": String(characters)]
          let printable = (0x20...0x7E).contains(code)
          let accepted = (try? metadata.validate()) != nil
          #expect(accepted == printable, "U+\(code) at \(place) of \(length)")
        }
      }
    }
  }

  /// Keys are lower-cased whatever the place of their upper-case letter, and kept as they are
  /// when they have none.
  @Test func keysAreLowerCasedWhereverTheirCapitalIs() {
    let key = "x-modal-oauth-client-assertion"
    #expect(Metadata.normalizedKey(key) == key)
    for place in 0..<key.utf8.count {
      var bytes = Array(key.utf8)
      guard (0x61...0x7A).contains(bytes[place]) else { continue }
      bytes[place] -= 0x20
      #expect(Metadata.normalizedKey(String(decoding: bytes, as: UTF8.self)) == key, "capital at \(place)")
    }
    #expect(Metadata.normalizedKey("X-\u{C9}t\u{E9}") == "x-\u{E9}t\u{E9}")
  }

  @Test func requestKeysAreKeptAndBounded() {
    let keys = MetadataKeys()
    func key(_ bytes: [UInt8]) -> String { bytes.withUnsafeBufferPointer { keys.key(for: $0) } }
    let secret = Array("x-modal-token-secret".utf8)
    #expect(key(secret) == "x-modal-token-secret")
    #expect(key(secret) == "x-modal-token-secret")
    #expect(key(Array("x-modal-token-id".utf8)) == "x-modal-token-id")
    #expect(keys.count == 2)
    // Invalid UTF-8 is repaired as before, and never kept (it could not match its bytes again).
    #expect(key([0x78, 0xFF]) == "x\u{FFFD}")
    #expect(keys.count == 2)
    // Many distinct keys: every one still comes back right once the table is full.
    for index in 0..<(MetadataKeys.capacity * 3) {
      #expect(key(Array("x-key-\(index)".utf8)) == "x-key-\(index)")
    }
    #expect(keys.count == MetadataKeys.capacity)
    #expect(key(secret) == "x-modal-token-secret")
    #expect(key(Array(repeating: 0x61, count: 200)) == String(repeating: "a", count: 200))
  }
}

/// Request metadata kept as received (one allocation; values turned into strings only when read)
/// reads the same as metadata built in code.
@Suite struct ReceivedMetadataTests {
  /// Reads `pairs` the way a call's headers are read: from a core metadata array.
  private func received(_ pairs: [(String, [UInt8])], keys: MetadataKeys? = nil) throws -> Metadata {
    try GRPCRuntime.ensureInitialized()
    let incoming = IncomingMetadata()
    defer { incoming.free() }
    let elements = UnsafeMutablePointer<grpc_metadata>.allocate(capacity: pairs.count)
    defer {
      for index in pairs.indices {
        cgrpc_grpc_slice_unref()(elements[index].key)
        cgrpc_grpc_slice_unref()(elements[index].value)
      }
      elements.deallocate()
    }
    for (index, (key, value)) in pairs.enumerated() {
      var element = grpc_metadata()
      element.key = makeSlice(key)
      element.value = makeSlice(value)
      (elements + index).initialize(to: element)
    }
    // The array points at our elements for the read only; `free()` must not release them.
    let saved = incoming.array.pointee
    incoming.array.pointee.metadata = elements
    incoming.array.pointee.count = pairs.count
    defer { incoming.array.pointee = saved }
    return incoming.read(keys: keys)
  }

  @Test func readsLikeBuiltMetadata() throws {
    let secret = "as-" + String(repeating: "s", count: 40)
    let metadata = try received(
      [
        ("x-modal-token-secret", Array(secret.utf8)), ("x-b", Array("1".utf8)), ("x-b", Array("two".utf8)),
        ("trace-bin", [0, 0xFF, 7]), ("user-agent", Array("grpc-python-grpclib/0.4.7 (linux; chttp2)".utf8)),
      ], keys: MetadataKeys())
    #expect(metadata.count == 5)
    #expect(metadata["x-modal-token-secret"] == secret)
    #expect(metadata["X-B"] == "1")
    #expect(metadata.values("x-b") == ["1", "two"])
    #expect(metadata.firstBinary("trace-bin") == [0, 0xFF, 7])
    #expect(metadata.binaryValues("x-b") == [Array("1".utf8), Array("two".utf8)])
    #expect(metadata.contains("user-agent") && !metadata.contains("x-missing"))
    #expect(metadata["x-missing"] == nil)
    #expect(metadata.withFirstValue("x-modal-token-secret") { Array($0) } == Array(secret.utf8))
    var built = Metadata()
    built.add("x-modal-token-secret", secret)
    built.add("x-b", "1")
    built.add("x-b", "two")
    built.add("trace-bin", binary: [0, 0xFF, 7])
    built.add("user-agent", "grpc-python-grpclib/0.4.7 (linux; chttp2)")
    #expect(metadata == built)
    #expect(metadata.hashValue == built.hashValue)
    #expect(metadata.map(\.key) == built.map(\.key))
    #expect(metadata.description == built.description)
  }

  @Test func changesLeaveTheReceivedCopyAlone() throws {
    let original = try received([("x-a", Array("1".utf8)), ("x-b", Array("2".utf8))])
    var changed = original
    changed.add("x-c", "3")
    changed.remove("x-a")
    #expect(changed.map(\.key) == ["x-b", "x-c"])
    #expect(original.map(\.key) == ["x-a", "x-b"])
    #expect(original["x-a"] == "1")
    #expect(try received([]).isEmpty)
  }
}
