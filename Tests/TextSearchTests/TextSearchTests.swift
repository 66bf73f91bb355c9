import Testing

import TextSearch

/// TextSearch gives the same answers as the standard library's `_StringProcessing` methods it
/// replaces in `modal` (this test target links `_StringProcessing`, so both are compared side by side).
@Suite struct TextSearchTests {
  /// Texts and needles with ASCII, repeats, overlaps, multi-scalar characters and absent needles.
  static let cases: [(text: String, needle: String)] = [
    ("http://user:pw@host:1", "://"), ("no scheme here", "://"), ("", "a"), ("a", "a"),
    ("aaaa", "aa"), ("abcabcab", "abc"), ("x::y::z", "::"), ("ends with ::", "::"),
    ("ipv4:127.0.0.1:1: Failed to connect", ": "), ("value # comment", " #"),
    ("cafe\u{301} e", "e"), ("caf\u{E9}", "e\u{301}"), ("🇫🇷🇫🇷", "🇫🇷"), ("short", "longer than text"),
  ]

  @Test func firstRangeMatchesTheStandardLibrary() {
    for (text, needle) in Self.cases {
      #expect(text.firstRange(ofText: needle) == text.firstRange(of: needle), "\(text) / \(needle)")
      #expect(text.contains(text: needle) == text.contains(needle), "\(text) / \(needle)")
      let slice = text.dropFirst()
      #expect(slice.firstRange(ofText: needle) == slice.firstRange(of: needle), "\(slice) / \(needle)")
    }
  }

  @Test func lastRangeIsTheLastNonOverlappingMatch() {
    for (text, needle) in Self.cases {
      #expect(text.lastRange(ofText: needle) == text.ranges(of: needle).last, "\(text) / \(needle)")
    }
    #expect("aaa".lastRange(ofText: "aa") == "aaa".startIndex..<"aaa".index("aaa".startIndex, offsetBy: 2))
  }

  @Test func replacingMatchesTheStandardLibrary() {
    for (text, needle) in Self.cases {
      #expect(text.replacing(text: needle, with: "<\\>") == text.replacing(needle, with: "<\\>"), "\(text) / \(needle)")
    }
    #expect("it's a\\b".replacing(text: "\\", with: "\\\\").replacing(text: "'", with: "\\'") == "it\\'s a\\\\b")
  }

  @Test func anEmptyNeedleIsFoundAtTheStartAndReplacesNothing() {
    #expect("abc".firstRange(ofText: "") == "abc".startIndex..<"abc".startIndex)
    #expect("".firstRange(ofText: "") == "".startIndex..<"".startIndex)
    #expect("abc".replacing(text: "", with: "x") == "abc")
  }
}
