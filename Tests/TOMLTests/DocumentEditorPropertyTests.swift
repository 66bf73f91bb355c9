import Foundation
import Testing

@testable import TOML

/// Random edit sequences on random commented documents: after every edit the text decodes to the
/// intended table, and every line the edits did not concern is still there, in order.
@Suite struct DocumentEditorPropertyTests {
  /// A generated document: its text, its contents, and which table/key owns each line.
  struct Generated {
    var text = ""
    var table = TOMLTable()
    /// Each line with its owner: (nil, nil) for file comments, (table, nil) for a table's
    /// header and comments, (table, key) for a key's lines; table "" is the root.
    var lines: [(line: String, table: String?, key: String?)] = []
    var lineEnding = "\n"
  }

  static let tableNames = ["alice-ws", "bob-ws", "default", "my.work", "a b", "prod", "t1", "ключ"]
  static let keyNames = ["token_id", "token_secret", "server_url", "active", "x", "name with space"]

  /// A random scalar.
  static func value(_ tag: String, using random: inout SeededGenerator) -> TOMLValue {
    switch Int.random(in: 0..<5, using: &random) {
    case 0: .string("as-\(tag)-\(Int.random(in: 0...999, using: &random))")
    case 1: .boolean(Bool.random(using: &random))
    case 2: .integer(Int64.random(in: -99...99_999, using: &random))
    case 3: .string("quote \" and \\ \(tag) é")
    default: .array([.string(tag), .integer(Int64.random(in: 0...9, using: &random))])
    }
  }

  /// A random document.
  static func generate(using random: inout SeededGenerator) -> Generated {
    var generated = Generated()
    var lines: [(String, String?, String?)] = [("# modal config \(random.next() % 1000)", nil, nil), ("", nil, nil)]
    if Bool.random(using: &random) {
      let value = TOMLValue.integer(Int64.random(in: 1...9, using: &random))
      generated.table["version"] = value
      lines.append(("version = \(TOMLEncoder().encodeInline(value))", "", "version"))
      lines.append(("", nil, nil))
    }
    for name in tableNames.shuffled(using: &random).prefix(Int.random(in: 1...5, using: &random)) {
      var table = TOMLTable()
      if Bool.random(using: &random) { lines.append(("# about \(name)", name, nil)) }
      lines.append(("[\(KeySyntax.format(name))]\(Bool.random(using: &random) ? "  # header \(name)" : "")", name, nil))
      for (index, key) in keyNames.shuffled(using: &random).prefix(Int.random(in: 0...4, using: &random)).enumerated() {
        if Int.random(in: 0..<4, using: &random) == 0 { lines.append(("# note \(name) \(index)", name, nil)) }
        let indent = Int.random(in: 0..<5, using: &random) == 0 ? "  " : ""
        if Int.random(in: 0..<6, using: &random) == 0 {
          // A multi-line array with comments inside.
          table[key] = .array([.string("\(name) one"), .string("\(name) two")])
          lines.append(("\(indent)\(KeySyntax.format(key)) = [", name, key))
          lines.append(("  \"\(name) one\", # first of \(name)", name, key))
          lines.append(("  \"\(name) two\",", name, key))
          lines.append(("]", name, key))
        } else {
          let value = value("\(name)-\(key)", using: &random)
          table[key] = value
          let comment = Bool.random(using: &random) ? "   # \(name) \(key)" : ""
          lines.append(
            ("\(indent)\(KeySyntax.format(key)) = \(TOMLEncoder().encodeInline(value))\(comment)", name, key))
        }
      }
      generated.table[name] = .table(table)
      lines.append(("", nil, nil))
    }
    if Bool.random(using: &random) { lines.removeLast() }  // no blank line at the end
    generated.lineEnding = Bool.random(using: &random) ? "\r\n" : "\n"
    generated.lines = lines.map { (line: $0.0, table: $0.1, key: $0.2) }
    generated.text = lines.map(\.0).joined(separator: generated.lineEnding)
    if Bool.random(using: &random) { generated.text += generated.lineEnding }
    return generated
  }

  @Test(arguments: 0..<12)
  func randomEditsKeepEverythingElse(seed: UInt64) throws {
    var random = SeededGenerator(seed: 0xED17 &+ seed &* 7919)
    for _ in 0..<15 {
      var generated = Self.generate(using: &random)
      var document = try TOMLDocument(generated.text)
      #expect(document.table == generated.table, "generator mismatch:\n\(generated.text)")
      var expected = generated.table
      // Lines no edit has touched yet: they must survive unchanged and in order.
      var untouched = generated.lines.filter { !$0.line.isEmpty }
      for step in 0..<8 {
        let tables = expected.keys.filter { expected[$0]?.tableValue != nil }
        let table =
          Bool.random(using: &random)
          ? tables.randomElement(using: &random) : Self.tableNames.randomElement(using: &random)
        let name = table ?? "t1"
        let key = Self.keyNames.randomElement(using: &random) ?? "x"
        let description: String
        switch Int.random(in: 0..<6, using: &random) {
        case 0, 1:
          let value = Self.value("new\(step)", using: &random)
          guard expected[name] == nil || expected[name]?.tableValue != nil else { continue }
          try document.setValue(value, forKey: key, inTable: [name])
          var inner = expected[name]?.tableValue ?? TOMLTable()
          inner[key] = value
          expected[name] = .table(inner)
          untouched.removeAll { $0.table == name && $0.key == key }
          description = "set \(name).\(key)"
        case 2:
          let old = try document.removeValue(forKey: key, inTable: [name])
          #expect(old == expected[name]?.tableValue?[key])
          if var inner = expected[name]?.tableValue {
            inner[key] = nil
            expected[name] = .table(inner)
          }
          untouched.removeAll { $0.table == name && $0.key == key }
          description = "remove \(name).\(key)"
        case 3:
          try document.addTable([name])
          if expected[name] == nil { expected[name] = .table(TOMLTable()) }
          description = "add [\(name)]"
        case 4:
          let removed = try document.removeTable([name])
          #expect(removed == (expected[name] != nil))
          expected[name] = nil
          untouched.removeAll { $0.table == name }
          description = "remove [\(name)]"
        default:
          let value = Self.value("root\(step)", using: &random)
          try document.setValue(value, forKey: "version", inTable: [])
          expected["version"] = value
          untouched.removeAll { $0.table == "" }
          description = "set version"
        }
        let context = "after \(description) (seed \(seed)):\n\(document.text)"
        #expect(document.table == expected, "\(context)")
        #expect(try TOMLDecoder().decode(document.text) == expected, "\(context)")
        let lines = document.text.components(separatedBy: generated.lineEnding)
        var position = lines.startIndex
        for kept in untouched {
          guard let found = lines[position...].firstIndex(of: kept.line) else {
            Issue.record("line \(kept.line.debugDescription) lost or moved \(context)")
            break
          }
          position = found + 1
        }
        if generated.lineEnding == "\r\n" {
          #expect(
            !document.text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "LF in a CRLF file \(context)")
        }
        generated.text = document.text
      }
    }
  }
}
