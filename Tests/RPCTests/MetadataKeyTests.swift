@testable import RPC
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
