import Testing

@testable import TOML

/// `TOMLDocument.location(ofKey:)`: the line and column of a key's statement or table header.
@Suite struct KeyLocationTests {
  @Test func keysAndHeadersAreLocated() throws {
    let document = try TOMLDocument("# c\na = 1\n  \"é\" = \"x\"\n[server]\n  port = 2\n[t.u]\ninline = { k = 1 }\n")
    #expect(document.location(ofKey: ["a"]).map { [$0.line, $0.column] } == [2, 1])
    #expect(document.location(ofKey: ["é"]).map { [$0.line, $0.column] } == [3, 3])
    #expect(document.location(ofKey: ["server"]).map { [$0.line, $0.column] } == [4, 1])
    #expect(document.location(ofKey: ["server", "port"]).map { [$0.line, $0.column] } == [5, 3])
    #expect(document.location(ofKey: ["t", "u", "inline"]).map { [$0.line, $0.column] } == [7, 1])
    #expect(document.location(ofKey: ["t", "u", "inline", "k"]) == nil)
    #expect(document.location(ofKey: ["missing"]) == nil)
  }
}
