import Testing

@testable import TOML

/// Errors name the problem in plain English at the right line and column (1-based, in
/// characters), and hostile input hits a limit instead of crashing.
@Suite struct ErrorReportingTests {
  /// The error for `text`, which must fail.
  func failure(_ text: String, limits: TOMLLimits = .default) throws -> TOMLError {
    try #require(TestSupport.error(decoding: text, limits: limits))
  }

  @Test(arguments: [
    ("token_id \"x\"", 1, 10, "expected '=' after key 'token_id', found '\"'"),
    ("a = 1\nb = \n", 2, 5, "missing value after '=' for key 'b'"),
    ("active = true\nactive = false\n", 2, 1, "key 'active' is defined twice (first at line 1)"),
    ("[alice]\nx = 1\n\n[alice]\n", 4, 1, "table [alice] is defined twice (first at line 1)"),
    (
      "a = \"unterminated\n", 1, 18,
      "the string is not closed before the end of the line (use \"\"\" for multi-line strings)"
    ),
    ("s = \"é\" x", 1, 9, "expected a newline or a comment after the value, found 'x'"),
    ("  n = 012", 1, 7, "leading zeros are not allowed in numbers"),
    ("d = 2023-02-29", 1, 5, "invalid date: day 29 is not between 01 and 28 for that month"),
    ("t = 24:00:00", 1, 5, "invalid time: hour must be 00-23, minute 00-59 and second 00-60"),
    (
      "big = 9223372036854775808", 1, 7,
      "the integer is out of range for 64 bits (-9223372036854775808 to 9223372036854775807)"
    ),
    ("e = \"\\x41\"", 1, 6, "invalid escape sequence '\\x' (valid: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)"),
    ("u = \"\\uD800\"", 1, 6, "escape U+D800 is not a Unicode scalar value"),
    ("a = [1, 2", 1, 10, "expected ',' or ']' after an array element, found the end of the input"),
    ("t = { a = 1,\n b = 2 }", 1, 13, "an inline table must be on one line (no newlines or comments inside '{ }')"),
    ("[a]\nb.c = 1\n[a.b]\n", 3, 1, "table [a.b] is already defined by dotted keys (defined at line 2)"),
    ("a = {}\n[a.b]\n", 2, 1, "cannot define table [a.b]: inline table 'a' cannot be extended (defined at line 1)"),
    ("x = 1\n[x.y]\n", 2, 1, "cannot define table [x.y]: 'x' is already an integer, not a table (defined at line 1)"),
    (
      "a = [1]\n[[a]]\n", 2, 1,
      "cannot define array of tables [[a]]: 'a' is already a static array, which [[ ]] cannot extend (defined at line 1)"
    ),
    ("c = 1 # bell \u{07}", 1, 14, "control character U+0007 is not allowed in a comment"),
    ("a = 1\rb = 2", 1, 6, "a carriage return must be followed by a line feed"),
    ("[\"a b\".c]\nx = 1\n[\"a b\".c]\n", 3, 1, "table [\"a b\".c] is defined twice (first at line 1)"),
  ])
  func positionsAndMessages(text: String, line: Int, column: Int, message: String) throws {
    let error = try failure(text)
    #expect(error.message == message)
    #expect(error.line == line)
    #expect(error.column == column)
    #expect(error.description == "\(line):\(column): \(message)")
  }

  @Test func codesSayWhatKindOfProblem() throws {
    #expect(try failure("a = ").code == .syntax)
    #expect(try failure("a = 1\na = 2").code == .duplicateKey)
    #expect(try failure("a = 0x").code == .syntax)
    #expect(try failure("a = 1__0").code == .invalidValue)
    #expect(try failure("a = \"\u{01}\"").code == .controlCharacter)
  }

  @Test func invalidUTF8IsReported() throws {
    let cases: [([UInt8], Int, Int)] = [
      (Array("a = \"".utf8) + [0xFF] + Array("\"".utf8), 1, 6),  // a byte that never starts a character
      (Array("# ok\n# ".utf8) + [0xC3], 2, 3),  // truncated at the end
      (Array("s = '".utf8) + [0xED, 0xA0, 0x80] + Array("'".utf8), 1, 7),  // an encoded surrogate
      (Array("s = '".utf8) + [0xC0, 0x80] + Array("'".utf8), 1, 6),  // an overlong encoding
    ]
    for (bytes, line, column) in cases {
      do {
        _ = try TOMLDecoder().decode(bytes)
        Issue.record("accepted \(bytes)")
      } catch {
        #expect(error.code == .invalidUTF8, "\(error)")
        #expect(error.line == line && error.column == column, "\(error)")
      }
    }
  }

  @Test func deepArraysHitTheLimitInsteadOfCrashing() throws {
    let error = try failure("a = " + String(repeating: "[", count: 100_000))
    #expect(error.code == .limitExceeded)
    #expect(error.message.contains("128"))
  }

  @Test func deepInlineTablesHitTheLimit() throws {
    let error = try failure("a = " + String(repeating: "{b = ", count: 100_000))
    #expect(error.code == .limitExceeded)
  }

  @Test func longDottedKeysAndHeadersHitTheLimit() throws {
    let key = Array(repeating: "k", count: 1000).joined(separator: ".")
    #expect(try failure("\(key) = 1").code == .limitExceeded)
    #expect(try failure("[\(key)]").code == .limitExceeded)
  }

  @Test func nestingWithinTheLimitDecodes() throws {
    let depth = 100
    let text = "a = " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    var value = try #require(try TestSupport.decode(text)["a"])
    for _ in 1..<depth { value = try #require(value.arrayValue?.first) }
    #expect(value == .array([]))
  }

  @Test func depthLimitIsConfigurable() throws {
    let limits = TOMLLimits(maxDepth: 3)
    #expect(TestSupport.error(decoding: "a = [[1]]", limits: limits) == nil)
    #expect(try failure("a = [[[[1]]]]", limits: limits).code == .limitExceeded)
    #expect(try failure("[a.b.c.d]", limits: limits).code == .limitExceeded)
  }

  @Test func oversizeInputIsRejected() throws {
    let limits = TOMLLimits(maxInputBytes: 16)
    #expect(TestSupport.error(decoding: "a = 1", limits: limits) == nil)
    let error = try failure("a = \"0123456789abcdef\"", limits: limits)
    #expect(error.code == .limitExceeded)
    #expect(error.message == "the input is 22 bytes, more than the limit of 16 bytes")
    #expect(TOMLLimits.default.maxInputBytes == 64 * 1024 * 1024)
    #expect(TOMLLimits.default.maxDepth == 128)
  }

  @Test func manyTablesAndKeysStayFast() throws {
    // Linear work: 20,000 tables of 20 keys each, and one table of 50,000 keys.
    var text = ""
    for table in 0..<20_000 {
      text += "[t\(table)]\n"
      for key in 0..<20 { text += "k\(key) = \(key)\n" }
    }
    text += "[wide]\n"
    for key in 0..<50_000 { text += "key\(key) = true\n" }
    let clock = ContinuousClock()
    let elapsed = try clock.measure { _ = try TestSupport.decode(text) }
    #expect(elapsed < .seconds(20))
  }
}
