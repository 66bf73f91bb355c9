import Foundation
import Testing

@testable import TOML

/// Byte-exact expectations for `TOMLDocument` edits.
@Suite struct DocumentEditorTests {
  static let config = """
    # my modal config
    [alice-ws]
    token_id = "ak-AAA"   # laptop
    token_secret = "as-BBB"
    active = true

    [bob-ws]
    token_id = "ak-CCC"

    """

  /// Applies `edit` to `text` and returns the new text.
  func edited(_ text: String, _ edit: (inout TOMLDocument) throws -> Void) throws -> String {
    var document = try TOMLDocument(text)
    try edit(&document)
    #expect(document.table == (try TOMLDecoder().decode(document.text)))
    return document.text
  }

  @Test func replacesValueKeepingCommentAndSpacing() throws {
    let text = try edited(Self.config) { try $0.setValue(.string("ak-NEW"), forKey: "token_id", inTable: ["alice-ws"]) }
    #expect(text == Self.config.replacingOccurrences(of: "\"ak-AAA\"", with: "\"ak-NEW\""))
  }

  @Test func appendsKeyAfterLastKeyOfTable() throws {
    let text = try edited(Self.config) {
      try $0.setValue(.string("https://x"), forKey: "server_url", inTable: ["alice-ws"])
    }
    #expect(
      text == """
        # my modal config
        [alice-ws]
        token_id = "ak-AAA"   # laptop
        token_secret = "as-BBB"
        active = true
        server_url = "https://x"

        [bob-ws]
        token_id = "ak-CCC"

        """)
  }

  @Test func appendsToLastTableWithoutTrailingNewline() throws {
    let text = try edited("[a]\nx = 1") { try $0.setValue(.boolean(true), forKey: "active", inTable: ["a"]) }
    #expect(text == "[a]\nx = 1\nactive = true\n")
  }

  @Test func appendsBeforeCommentsOfNextTable() throws {
    let source = "[a]\nx = 1\n# about b\n\n# b's header comment\n[b]\ny = 2\n"
    let text = try edited(source) { try $0.setValue(.integer(5), forKey: "z", inTable: ["a"]) }
    #expect(text == "[a]\nx = 1\nz = 5\n# about b\n\n# b's header comment\n[b]\ny = 2\n")
  }

  @Test func keepsIndentationOfTableBody() throws {
    let text = try edited("[a]\n  x = 1\n") { try $0.setValue(.integer(2), forKey: "y", inTable: ["a"]) }
    #expect(text == "[a]\n  x = 1\n  y = 2\n")
  }

  @Test func addsKeyToEmptyTableRightAfterHeader() throws {
    let text = try edited("[a]\n\n[b]\n") { try $0.setValue(.integer(1), forKey: "x", inTable: ["a"]) }
    #expect(text == "[a]\nx = 1\n\n[b]\n")
  }

  @Test func createsMissingTableAtEnd() throws {
    let text = try edited(Self.config) { try $0.setValue(.string("ak-D"), forKey: "token_id", inTable: ["carol"]) }
    #expect(text == Self.config + "\n[carol]\ntoken_id = \"ak-D\"\n")
  }

  @Test func createsTableInFileWithoutTrailingNewline() throws {
    let text = try edited("[a]\nx = 1") { try $0.setValue(.integer(2), forKey: "y", inTable: ["b"]) }
    #expect(text == "[a]\nx = 1\n\n[b]\ny = 2\n")
  }

  @Test func quotesTableNamesThatNeedIt() throws {
    let text = try edited("") { try $0.setValue(.string("t"), forKey: "token id", inTable: ["my.work"]) }
    #expect(text == "[\"my.work\"]\n\"token id\" = \"t\"\n")
    let spaced = try edited(text) { try $0.setValue(.boolean(true), forKey: "active", inTable: ["a b"]) }
    #expect(spaced == text + "\n[\"a b\"]\nactive = true\n")
    let replaced = try edited(spaced) { try $0.setValue(.string("u"), forKey: "token id", inTable: ["my.work"]) }
    #expect(replaced == spaced.replacingOccurrences(of: "= \"t\"", with: "= \"u\""))
  }

  @Test func emptyDocument() throws {
    #expect(try edited("") { try $0.setValue(.integer(1), forKey: "x", inTable: []) } == "x = 1\n")
    #expect(try edited("") { try $0.addTable(["p"]) } == "[p]\n")
  }

  @Test func rootKeyGoesBeforeFirstTable() throws {
    let text = try edited("# top\n\n[a]\nx = 1\n") { try $0.setValue(.integer(3), forKey: "version", inTable: []) }
    #expect(text == "# top\n\nversion = 3\n\n[a]\nx = 1\n")
    let after = try edited("v = 1 # c\n[a]\n") { try $0.setValue(.integer(2), forKey: "w", inTable: []) }
    #expect(after == "v = 1 # c\nw = 2\n[a]\n")
  }

  @Test func crlfDocumentsStayCRLF() throws {
    let source = "# c\r\n[a]\r\nx = 1\r\n\r\n[b]\r\ny = 2\r\n"
    let added = try edited(source) { try $0.setValue(.integer(9), forKey: "z", inTable: ["a"]) }
    #expect(added == "# c\r\n[a]\r\nx = 1\r\nz = 9\r\n\r\n[b]\r\ny = 2\r\n")
    let created = try edited(source) { try $0.setValue(.integer(1), forKey: "k", inTable: ["c"]) }
    #expect(created == source + "\r\n[c]\r\nk = 1\r\n")
    let removed = try edited(source) { try $0.removeTable(["a"]) }
    #expect(removed == "# c\r\n[b]\r\ny = 2\r\n")
  }

  @Test func removesKeyLineWithComment() throws {
    let text = try edited(Self.config) { try $0.removeValue(forKey: "token_id", inTable: ["alice-ws"]) }
    #expect(text == Self.config.replacingOccurrences(of: "token_id = \"ak-AAA\"   # laptop\n", with: ""))
  }

  @Test func removesMultiLineValue() throws {
    let source = "[a]\nx = \"\"\"\nline\n# not a comment\n\"\"\"\nlist = [\n  1, # one\n  2,\n]\ny = 1\n"
    let withoutX = try edited(source) { try $0.removeValue(forKey: "x", inTable: ["a"]) }
    #expect(withoutX == "[a]\nlist = [\n  1, # one\n  2,\n]\ny = 1\n")
    let withoutList = try edited(source) { try $0.removeValue(forKey: "list", inTable: ["a"]) }
    #expect(withoutList == "[a]\nx = \"\"\"\nline\n# not a comment\n\"\"\"\ny = 1\n")
  }

  @Test func replacesMultiLineValueInPlace() throws {
    let source = "list = [\n  1,\n  2,\n] # numbers\nafter = true\n"
    let text = try edited(source) { try $0.setValue(.array([.integer(3)]), forKey: "list", inTable: []) }
    #expect(text == "list = [3] # numbers\nafter = true\n")
  }

  @Test func removingMissingKeyOrTableDoesNothing() throws {
    var document = try TOMLDocument(Self.config)
    #expect(try document.removeValue(forKey: "nope", inTable: ["alice-ws"]) == nil)
    #expect(try document.removeValue(forKey: "x", inTable: ["nowhere"]) == nil)
    #expect(try document.removeTable(["nowhere"]) == false)
    #expect(document.text == Self.config)
  }

  @Test func removesFirstMiddleAndLastTables() throws {
    let source = "# file\n[a]\nx = 1\n\n# about b\n[b]\ny = 2\n\n[c]\nz = 3\n"
    #expect(try edited(source) { try $0.removeTable(["a"]) } == "# file\n# about b\n[b]\ny = 2\n\n[c]\nz = 3\n")
    #expect(try edited(source) { try $0.removeTable(["b"]) } == "# file\n[a]\nx = 1\n\n[c]\nz = 3\n")
    #expect(try edited(source) { try $0.removeTable(["c"]) } == "# file\n[a]\nx = 1\n\n# about b\n[b]\ny = 2\n")
  }

  @Test func removesTableWithSubTables() throws {
    let source = "[a]\nx = 1\n\n[a.sub]\ny = 2\n\n[[a.list]]\nz = 3\n\n[b]\nw = 4\n"
    #expect(try edited(source) { try $0.removeTable(["a"]) } == "[b]\nw = 4\n")
  }

  @Test func removesOnlyTableOfDocument() throws {
    #expect(try edited("[a]\nx = 1\n") { try $0.removeTable(["a"]) } == "")
  }

  @Test func addTableIsIdempotentAndSeparated() throws {
    let text = try edited(Self.config) { try $0.addTable(["carol"]) }
    #expect(text == Self.config + "\n[carol]\n")
    #expect(try edited(text) { try $0.addTable(["carol"]) } == text)
  }

  @Test func editsInlineTablesByRewritingThem() throws {
    let source = "alice = { token_id = \"a\" } # inline\n"
    let added = try edited(source) { try $0.setValue(.string("s"), forKey: "token_secret", inTable: ["alice"]) }
    #expect(added == "alice = { token_id = \"a\", token_secret = \"s\" } # inline\n")
    let removed = try edited(added) { try $0.removeValue(forKey: "token_id", inTable: ["alice"]) }
    #expect(removed == "alice = { token_secret = \"s\" } # inline\n")
  }

  @Test func extendsTablesMadeByDottedKeys() throws {
    let source = "name = \"x\"\nsite.url = \"u\" # where\n\n[other]\n"
    let text = try edited(source) { try $0.setValue(.integer(1), forKey: "port", inTable: ["site"]) }
    #expect(text == "name = \"x\"\nsite.url = \"u\" # where\nsite.port = 1\n\n[other]\n")
  }

  @Test func definesImplicitSuperTable() throws {
    let text = try edited("[a.b]\nx = 1\n") { try $0.setValue(.integer(2), forKey: "y", inTable: ["a"]) }
    #expect(text == "[a.b]\nx = 1\n\n[a]\ny = 2\n")
  }

  @Test func keepsByteOrderMark() throws {
    let source = "\u{FEFF}x = 1\ny = 2\n"
    #expect(try edited(source) { try $0.removeValue(forKey: "x", inTable: []) } == "\u{FEFF}y = 2\n")
  }

  @Test func refusesEditsItCannotMakeSafely() throws {
    var document = try TOMLDocument("[[servers]]\nname = \"a\"\n\n[t]\nsub.x = 1\n")
    let before = document.text
    #expect(throws: TOMLError.self) { try document.setValue(.integer(1), forKey: "port", inTable: ["servers"]) }
    #expect(throws: TOMLError.self) { try document.setValue(.integer(1), forKey: "sub", inTable: ["t"]) }
    #expect(throws: TOMLError.self) { try document.addTable(["t", "sub", "x"]) }
    #expect(throws: TOMLError.self) { try document.removeTable([]) }
    #expect(document.text == before)
    do {
      try document.setValue(.integer(1), forKey: "port", inTable: ["servers"])
    } catch {
      #expect(error.code == .unsupportedEdit)
      #expect(error.message.contains("array of tables"))
    }
  }

  @Test func rejectsInvalidDocuments() {
    #expect(throws: TOMLError.self) { try TOMLDocument("a = ") }
  }
}
