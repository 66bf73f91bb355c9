import Testing

@testable import ModalJOSE

@Suite struct JSONValueTests {
  @Test func parsesAndSerialisesWithSortedKeys() throws {
    let value = try JSONValue(
      parsing: Array(#" {"b": [1, 2.5, true, null], "a": "x\u00e9\ud83d\ude00\n", "c": {}} "#.utf8))
    #expect(value.serialized == #"{"a":"xé😀\n","b":[1,2.5,true,null],"c":{}}"#)
    #expect(try JSONValue(parsing: value.serializedBytes) == value)
  }

  @Test func refusesInvalidJSON() throws {
    for text in [#"{"a":1,"a":2}"#, "{", "[1,]", "01", "1 2", #""\ud800""#, "\"\u{01}\"", "nul", "-", "1e999"] {
      #expect(throws: (any Error).self, "\(text)") { try JSONValue(parsing: Array(text.utf8)) }
    }
    // Invalid UTF-8 in a string without escapes (read straight from the bytes) and after one.
    for bytes: [UInt8] in [[0x22, 0xC3, 0x28, 0x22], [0x22, 0x5C, 0x6E, 0xFF, 0x22]] {
      #expect(throws: JOSEError.invalidJSON("invalid UTF-8 in a string")) { try JSONValue(parsing: bytes) }
    }
    #expect(try JSONValue(parsing: Array(#"["plain é", "a\tb", ""]"#.utf8)) == .array(["plain é", "a\tb", ""]))
    let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
    #expect(throws: JOSEError.invalidJSON("nesting deeper than 64")) { try JSONValue(parsing: Array(deep.utf8)) }
  }

  @Test func base64URLIsStrict() {
    #expect(Base64URL.encode(Array("any carnal pleas".utf8)) == "YW55IGNhcm5hbCBwbGVhcw")
    #expect(Base64URL.decode("YW55IGNhcm5hbCBwbGVhcw") == Array("any carnal pleas".utf8))
    #expect(Base64URL.decode("YW55IGNhcm5hbCBwbGVhcw==") == nil)
    #expect(Base64URL.decode(bytes: Array("x.YW55.y".utf8)[2..<6]) == Array("any".utf8), "a slice of a token")
    #expect(Base64URL.decode("YW55+GNh") == nil)
    #expect(Base64URL.decode("YW55IGNhcm5hbCBwbGVhcx") == nil)  // stray low bits
    #expect(Base64URL.decode("A") == nil)
    for length in 0..<8 {
      let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 97 + 250) }
      #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
    }
  }

  /// The decoder reads four characters at a time; every character that is not in the alphabet, at
  /// every position of every tail length, must still be refused, and every stray bit.
  @Test func base64URLRefusesEachBadCharacterAtEachPosition() {
    let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    for text in ["QUJD", "QUJDRA", "QUJDREU", "QUJDREVG"] {
      for position in text.utf8.indices.map({ text.utf8.distance(from: text.utf8.startIndex, to: $0) }) {
        for byte in UInt8.min...UInt8.max where !alphabet.contains(byte) {
          var bytes = Array(text.utf8)
          bytes[position] = byte
          #expect(Base64URL.decode(bytes: bytes[...]) == nil, "\(byte) at \(position) of \(text)")
        }
      }
    }
    // The last character of a 2- or 3-character tail may only carry the bits of whole bytes.
    for last in alphabet {
      let two = Base64URL.decode(bytes: [UInt8(ascii: "Q"), last][...])
      #expect((two != nil) == "AQgw".utf8.contains(last), "Q\(last)")
      let three = Base64URL.decode(bytes: Array("QU".utf8 + [last])[...])
      #expect((three != nil) == "AEIMQUYcgkosw048".utf8.contains(last), "QU\(last)")
    }
    for length in 0..<64 {
      let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
      #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
    }
  }
}
