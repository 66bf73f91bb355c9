import ModalTokenFormat
import Testing

@testable import ModalTokenScan

/// Secrets and ids are found with their kind, line and column; look-alikes are not findings.
@Suite struct TokenScannerTests {
  static let secret = TokenSecretFormat.secret(random: "zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ")
  static let id = "ak-0123456789abcdefghijkl"

  static func findings(_ text: String, lookAlikes: Bool = false) -> [TokenFinding] {
    Array(text.utf8).withUnsafeBytes { TokenFindings.findings(in: TokenScanner.matches(in: $0), lookAlikes: lookAlikes) }
  }

  @Test func findsACheckedSecretWithItsPosition() throws {
    let found = Self.findings("first line\n  token_secret = \"\(Self.secret)\"\n")
    let finding = try #require(found.count == 1 ? found[0] : nil)
    #expect(finding.match.kind == .checksummedSecret)
    #expect(finding.confidence == .high)
    #expect(finding.rule == .secret)
    #expect(finding.match.line == 2)
    #expect(finding.match.column == 19)
    #expect(finding.match.value == Self.secret)
  }

  @Test func pairsAnIDOnTheSameOrAnAdjacentLineButNotFarther() {
    let sameLine = Self.findings("\(Self.id):\(Self.secret)")
    #expect(sameLine.map(\.rule) == [.pair])
    #expect(sameLine.first?.tokenID?.value == Self.id)
    let nextLine = Self.findings("token_id = \(Self.id)\ntoken_secret = \(Self.secret)\n")
    #expect(nextLine.map(\.rule) == [.pair])
    let farther = Self.findings("token_id = \(Self.id)\n\ntoken_secret = \(Self.secret)\n")
    #expect(farther.map(\.rule) == [.secret])
    #expect(farther.first?.tokenID == nil)
  }

  @Test func secretsWithoutAChecksumHaveLowerConfidence() {
    let modal = "as-" + String(repeating: "a1B2", count: 5) + "zz"  // 22, Modal's shape
    let older = "as-" + String(repeating: "Q9", count: 12)  // 24, older modal-server
    #expect(Self.findings(modal).map(\.confidence) == [.low])
    #expect(Self.findings(older).map(\.confidence) == [.low])
    #expect(Self.findings("\(Self.id) \(older)").map(\.confidence) == [.medium])
  }

  @Test func lookAlikesAreNotFindingsUnlessAskedFor() {
    var wrong = Array(Self.secret)
    wrong[10] = wrong[10] == "A" ? "B" : "A"
    let mistyped = String(wrong)
    let short = String(Self.secret.dropLast())
    let text = "\(mistyped)\n\(short)\nas-\(String(repeating: "x", count: 23))\nzQWBuTSOoRi4A9spHcVY5ncnsDkxkJabcdef\n\(Self.id)\n"
    #expect(Self.findings(text).isEmpty)
    let verbose = Self.findings(text, lookAlikes: true)
    #expect(verbose.map(\.rule) == [.mistypedSecret, .mistypedSecret, .tokenID])
    #expect(verbose.map(\.isLeak) == [false, false, false])
    #expect(verbose[0].match.kind == .mistypedSecret(.checksumMismatch))
    #expect(verbose[1].match.kind == .mistypedSecret(.truncated(missing: 1)))
  }

  @Test func onlyWholeWordsMatch() {
    #expect(Self.findings("xas-\(Self.secret.dropFirst(3))").isEmpty)
    #expect(Self.findings("\(Self.secret)_v2").isEmpty)
    #expect(Self.findings("\(Self.secret)-v2").count == 1)
    #expect(Self.findings("KEY=\(Self.secret)").count == 1)
    #expect(Self.findings(Self.secret).count == 1)
  }

  @Test func columnsCountCodePointsNotBytes() {
    #expect(Self.findings("é€ \(Self.secret)").first?.match.column == 4)
  }

  @Test func theMaskNeverShowsTheSecret() {
    let masked = TokenMask.mask(Self.secret)
    #expect(masked == "as-zQW…" + Self.secret.suffix(4))
    #expect(!masked.contains(Self.secret.dropFirst(3).prefix(8)))
    #expect(TokenMask.mask("as-short") == "as-…")
  }

  @Test func manySecretsInALargeTextAreAllFound() {
    let line = "filler text - with hyphens - and as well as ak words\n"
    var text = ""
    for index in 0..<1000 { text += index % 100 == 0 ? "s = \(Self.secret)\n" : line }
    let found = Self.findings(text)
    #expect(found.count == 10)
    #expect(found.map(\.match.line) == Array(stride(from: 1, through: 901, by: 100)))
  }
}
