import Testing

@testable import TOML

/// `TOMLValue`, `TOMLTable`, `TOMLDateTime` and `TaggedJSON` behave as documented.
@Suite struct ValueModelTests {
  @Test func tableKeepsOrderAndLooksUpKeys() {
    var table = TOMLTable([("b", .integer(1)), ("a", .integer(2)), ("b", .integer(3))])
    #expect(table.keys == ["b", "a"])
    #expect(table["b"] == .integer(3))
    table["c"] = .boolean(true)
    table["b"] = nil
    #expect(table.keys == ["a", "c"])
    #expect(table.count == 2 && !table.isEmpty)
    #expect(table["missing"] == nil)
  }

  @Test func largeTablesUseTheIndexCorrectly() {
    var table = TOMLTable()
    for number in 0..<100 { table["k\(number)"] = .integer(Int64(number)) }
    #expect(table["k57"] == .integer(57))
    table["k10"] = nil
    #expect(table["k10"] == nil)
    #expect(table["k11"] == .integer(11))
    #expect(table["k99"] == .integer(99))
    #expect(table.count == 99)
    for number in 0..<95 { table["k\(number)"] = nil }
    #expect(table.keys == ["k95", "k96", "k97", "k98", "k99"])
    #expect(table["k97"] == .integer(97))
  }

  @Test func equalityIgnoresOrderAndTreatsNaNAsEqual() {
    let left = TOMLTable([("a", .integer(1)), ("b", .float(.nan))])
    let right = TOMLTable([("b", .float(.nan)), ("a", .integer(1))])
    #expect(left == right)
    #expect(left.hashValue == right.hashValue)
    #expect(left != TOMLTable([("a", .integer(1))]))
    #expect(TOMLValue.integer(1) != .float(1))
  }

  @Test func accessorsAndTypeNames() {
    #expect(TOMLValue.string("x").stringValue == "x")
    #expect(TOMLValue.boolean(true).boolValue == true)
    #expect(TOMLValue.integer(4).intValue == 4)
    #expect(TOMLValue.integer(4).doubleValue == 4)
    #expect(TOMLValue.float(0.5).doubleValue == 0.5)
    #expect(TOMLValue.string("x").intValue == nil)
    #expect(TOMLValue.array([]).arrayValue == [])
    #expect(TOMLValue.table(TOMLTable()).tableValue == TOMLTable())
    let names = [TOMLValue.string(""), .integer(0), .float(0), .boolean(true), .array([]), .table(TOMLTable())]
      .map(\.typeName)
    #expect(names == ["string", "integer", "float", "boolean", "array", "table"])
    #expect(TOMLValue.dateTime(TOMLDateTime(kind: .localDate, year: 2024, month: 1, day: 2)).typeName == "datetime")
  }

  @Test func dateTimesPrintCanonically() throws {
    let table = try TOMLDecoder().decode(
      """
      a = 1979-05-27 07:32:00z
      b = 1979-05-27t07:32:00.5-07:30
      c = 1979-05-27T07:32:00.000
      d = 1979-05-27
      e = 07:32:00.123456789123
      """)
    let text = ["a", "b", "c", "d", "e"].map { table[$0]?.dateTimeValue?.description ?? "-" }
    #expect(
      text == [
        "1979-05-27T07:32:00Z", "1979-05-27T07:32:00.5-07:30", "1979-05-27T07:32:00.000", "1979-05-27",
        "07:32:00.123456789",
      ])
    let b = try #require(table["b"]?.dateTimeValue)
    #expect(b.kind == .offsetDateTime && b.offsetMinutes == -450 && b.nanosecond == 500_000_000)
    #expect(b.fraction == "5" && b.fractionDigits == 1)
    #expect(table["d"]?.dateTimeValue?.offsetMinutes == nil)
  }

  @Test func taggedJSONRendersTypesAndEscapes() throws {
    let table = try TOMLDecoder().decode(
      """
      s = "a\\"b\\n"
      i = 0x10
      f = -inf
      n = nan
      b = false
      t = 07:00:00
      l = 2020-01-01T00:00:00
      [[arr]]
      x = 1.5
      """)
    #expect(
      TaggedJSON.render(table)
        == #"{"s":{"type":"string","value":"a\"b\n"},"i":{"type":"integer","value":"16"},"f":{"type":"float","value":"-inf"},"n":{"type":"float","value":"nan"},"b":{"type":"bool","value":"false"},"t":{"type":"time-local","value":"07:00:00"},"l":{"type":"datetime-local","value":"2020-01-01T00:00:00"},"arr":[{"x":{"type":"float","value":"1.5"}}]}"#
    )
  }

  @Test func decodesFromStringsAndByteCollections() throws {
    let text = "\u{FEFF}a = \"é\"\r\nb = [\n 1,\n]\n"
    let fromString = try TOMLDecoder().decode(text)
    let fromBytes = try TOMLDecoder().decode(Array(text.utf8))
    let fromSlice = try TOMLDecoder().decode(Array(text.utf8)[...])
    #expect(fromString == fromBytes && fromBytes == fromSlice)
    #expect(fromString["a"] == .string("é"))
  }

  @Test func multiLineStringsNormaliseLineEnds() throws {
    let table = try TOMLDecoder().decode("a = \"\"\"\r\none\r\ntwo \\\r\n   three\"\"\"\r\nb = '''\r\nx\r\n'''")
    #expect(table["a"] == .string("one\ntwo three"))
    #expect(table["b"] == .string("x\n"))
  }
}
