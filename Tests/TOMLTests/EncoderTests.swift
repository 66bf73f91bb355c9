import Testing

@testable import TOML

/// `TOMLEncoder` writes readable TOML that decodes back to the same table.
@Suite struct EncoderTests {
  @Test func writesScalarsThenSections() throws {
    let table = TOMLTable([
      ("title", .string("Example \"quoted\"\n")),
      ("servers", .table(TOMLTable([("alpha", .table(TOMLTable([("ip", .string("10.0.0.1"))])))]))),
      ("count", .integer(-3)),
      ("products", .array([.table(TOMLTable([("name", .string("a"))])), .table(TOMLTable())])),
      ("my.work", .table(TOMLTable([("active", .boolean(true))]))),
      ("empty", .table(TOMLTable())),
      ("mixed", .array([.integer(1), .string("x"), .table(TOMLTable([("k", .float(0.5))]))])),
    ])
    let text = TOMLEncoder().encode(table)
    #expect(
      text == """
        title = "Example \\"quoted\\"\\n"
        count = -3
        mixed = [1, "x", { k = 0.5 }]

        [servers.alpha]
        ip = "10.0.0.1"

        [[products]]
        name = "a"

        [[products]]

        ["my.work"]
        active = true

        [empty]

        """)
    #expect(try TOMLDecoder().decode(text) == table)
  }

  @Test func spellsFloatsAndDatesTOMLStyle() throws {
    let encoder = TOMLEncoder()
    #expect(encoder.encodeInline(.float(.infinity)) == "inf")
    #expect(encoder.encodeInline(.float(-.infinity)) == "-inf")
    #expect(encoder.encodeInline(.float(.nan)) == "nan")
    #expect(encoder.encodeInline(.float(1)) == "1.0")
    #expect(encoder.encodeInline(.float(-0.0)) == "-0.0")
    #expect(encoder.encodeInline(.float(1e100)) == "1e+100")
    #expect(encoder.encodeInline(.float(0.1)) == "0.1")
    let date = TOMLDateTime(
      kind: .offsetDateTime, year: 1979, month: 5, day: 27, hour: 0, minute: 32, second: 0,
      nanosecond: 999_999_000, offsetMinutes: -420)
    #expect(encoder.encodeInline(.dateTime(date)) == "1979-05-27T00:32:00.999999-07:00")
    #expect(encoder.encodeInline(.string("tab\there \u{7F} é")) == "\"tab\\there \\u007F é\"")
    #expect(encoder.encodeInline(.table(TOMLTable())) == "{}")
    #expect(encoder.encodeInline(.array([])) == "[]")
  }

  @Test func quotesKeysOnlyWhenNeeded() {
    let table = TOMLTable([("bare-key_1", .integer(1)), ("", .integer(2)), ("a.b", .integer(3)), ("ключ", .integer(4))])
    #expect(TOMLEncoder().encode(table) == "bare-key_1 = 1\n\"\" = 2\n\"a.b\" = 3\n\"ключ\" = 4\n")
  }

  @Test func emptyTableEncodesToEmptyText() {
    #expect(TOMLEncoder().encode(TOMLTable()).isEmpty)
  }

  @Test func extremeValuesRoundTrip() throws {
    let values: [TOMLValue] = [
      .integer(.min), .integer(.max), .float(.greatestFiniteMagnitude), .float(.leastNonzeroMagnitude),
      .float(-.nan), .float(123_456_789.123_456_78), .string(""), .string("\u{0}\u{1F}\u{10FFFF}"),
      .dateTime(TOMLDateTime(kind: .localTime, hour: 23, minute: 59, second: 60, nanosecond: 1, fractionDigits: 9)),
      .dateTime(TOMLDateTime(kind: .localDate, year: 1, month: 1, day: 1)),
    ]
    for value in values {
      let table = TOMLTable([("v", value)])
      #expect(try TOMLDecoder().decode(TOMLEncoder().encode(table)) == table, "\(value)")
    }
  }

  @Test(arguments: 0..<8)
  func randomTablesRoundTrip(seed: UInt64) throws {
    var random = SeededGenerator(seed: 0xC0FFEE + seed)
    for _ in 0..<25 {
      let table = RandomTOML.table(depth: 0, using: &random)
      let text = TOMLEncoder().encode(table)
      let decoded: TOMLTable
      do {
        decoded = try TOMLDecoder().decode(text)
      } catch {
        Issue.record("encoded text does not decode: \(error)\n\(text)")
        continue
      }
      let same = decoded == table
      #expect(same, "round trip changed the table encoded as:\n\(text)")
    }
  }
}

/// Random TOML values for property tests.
enum RandomTOML {
  /// Key spellings, including ones that need quoting.
  static let keys = ["a", "b", "name", "port", "my.work", "a b", "", "ключ", "x-y_z", "1", "\"q\"", "tab\t", "true"]

  /// A random key.
  static func key(using random: inout SeededGenerator) -> String {
    keys.randomElement(using: &random) ?? "k"
  }

  /// A random scalar.
  static func scalar(using random: inout SeededGenerator) -> TOMLValue {
    switch Int.random(in: 0..<7, using: &random) {
    case 0:
      let pieces = ["plain", "quote\"", "back\\slash", "new\nline", "é", "\u{1}", "emoji 🎉", "'single'", ""]
      return .string(
        (0..<Int.random(in: 0...3, using: &random)).map { _ in pieces.randomElement(using: &random) ?? "" }.joined())
    case 1: return .integer(Int64.random(in: .min ... .max, using: &random))
    case 2: return .integer(Int64.random(in: -1000...1000, using: &random))
    case 3:
      let specials: [Double] = [.infinity, -.infinity, .nan, 0, -0.0, 1e300, 1e-300]
      return .float(
        Bool.random(using: &random)
          ? specials.randomElement(using: &random) ?? 0 : Double.random(in: -1e6...1e6, using: &random))
    case 4: return .boolean(Bool.random(using: &random))
    case 5:
      let kinds: [TOMLDateTime.Kind] = [.offsetDateTime, .localDateTime, .localDate, .localTime]
      let kind = kinds.randomElement(using: &random) ?? .localDate
      let digits = Int.random(in: 0...9, using: &random)
      var nanosecond = digits == 0 ? 0 : Int.random(in: 0..<1_000_000_000, using: &random)
      if digits > 0 {
        var scale = 1
        for _ in digits..<9 { scale *= 10 }
        nanosecond -= nanosecond % scale
      }
      return .dateTime(
        TOMLDateTime(
          kind: kind, year: Int.random(in: 0...9999, using: &random), month: Int.random(in: 1...12, using: &random),
          day: Int.random(in: 1...28, using: &random), hour: Int.random(in: 0...23, using: &random),
          minute: Int.random(in: 0...59, using: &random), second: Int.random(in: 0...59, using: &random),
          nanosecond: nanosecond, fractionDigits: digits, offsetMinutes: Int.random(in: -1439...1439, using: &random)))
    default:
      return .string("s\(Int.random(in: 0...99, using: &random))")
    }
  }

  /// A random value, nesting at most a few levels below `depth`.
  static func value(depth: Int, using random: inout SeededGenerator) -> TOMLValue {
    guard depth < 4 else { return scalar(using: &random) }
    switch Int.random(in: 0..<10, using: &random) {
    case 0, 1:
      return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in value(depth: depth + 1, using: &random) })
    case 2:
      return .table(table(depth: depth + 1, using: &random))
    case 3:
      return .array(
        (0..<Int.random(in: 1...3, using: &random)).map { _ in .table(table(depth: depth + 1, using: &random)) })
    default:
      return scalar(using: &random)
    }
  }

  /// A random table.
  static func table(depth: Int, using random: inout SeededGenerator) -> TOMLTable {
    var table = TOMLTable()
    for _ in 0..<Int.random(in: 0...5, using: &random) {
      table[key(using: &random)] = value(depth: depth, using: &random)
    }
    return table
  }
}
