import Testing

import TextSearch

/// The one-pass byte readers answer as the standard library's `UTF8View` algorithms do, for
/// strings stored in place (up to 15 bytes) and on the heap, and for substrings.
@Suite struct UTF8BytesTests {
  static let words = [
    "", "a", "ab", "b", "/", "/z", "/a/B", "/a/b", "/a/bc", "/a/\u{e9}", "/a/\u{7f}", "\u{ff}", "\u{100}", "z\u{e9}",
    "/modal.client.ModalClient/ClientHello", "/modal.client.ModalClient/ClientHell",
    "/modal.client.ModalClient/ClientHelloX", String(repeating: "x", count: 40),
  ]

  @Test func byteOrderIsTheStandardLibrarys() {
    for word in Self.words {
      for other in Self.words {
        let otherBytes = Array(other.utf8)
        let order = otherBytes.withUnsafeBufferPointer { word.utf8Order(comparedTo: $0) }
        #expect((order < 0) == word.utf8.lexicographicallyPrecedes(other.utf8), "\(word) against \(other)")
        #expect((order == 0) == (Array(word.utf8) == otherBytes), "\(word) against \(other)")
        #expect(otherBytes.withUnsafeBufferPointer { word.hasUTF8Bytes($0) } == (Array(word.utf8) == otherBytes))
      }
    }
  }

  @Test func everyByteIsJudgedAsAllSatisfyJudgesIt() {
    let tests: [(UInt8) -> Bool] = [{ $0 < 0x80 }, { $0 != UInt8(ascii: "/") }, { _ in true }, { _ in false }]
    for word in Self.words {
      let substring = word.dropFirst(word.isEmpty ? 0 : 1)
      for accepts in tests {
        #expect(word.everyUTF8Byte(accepts) == word.utf8.allSatisfy(accepts), "\(word)")
        #expect(substring.everyUTF8Byte(accepts) == substring.utf8.allSatisfy(accepts), "\(substring)")
      }
    }
  }
}
