import Testing

@testable import ModalCLI

/// `git cat-file --batch` output split at every possible place still gives each object whole;
/// objects over the limit are skipped without being kept.
@Suite struct GitBatchParserTests {
  static let stream: [UInt8] = Array(
    "aaaa blob 5\nhello\nbbbb missing\ncccc blob 12\n0123456789AB\ndddd tree 3\nxyz\neeee blob 0\n\n".utf8)

  static func parse(_ chunks: [[UInt8]], maxSize: Int) -> (objects: [String], skipped: [String]) {
    var parser = GitBatchParser(maxSize: maxSize)
    var objects: [String] = []
    var skipped: [String] = []
    for chunk in chunks {
      chunk.withUnsafeBytes { bytes in
        parser.feed(
          bytes, onObject: { objects.append("\($0.oid) \($0.type) \(String(decoding: $1, as: UTF8.self))") },
          onSkipped: { skipped.append($0.oid) })
      }
    }
    return (objects, skipped)
  }

  @Test func everySplitGivesTheSameObjects() {
    let whole = Self.parse([Self.stream], maxSize: 100)
    #expect(whole.objects == ["aaaa blob hello", "cccc blob 0123456789AB", "dddd tree xyz", "eeee blob "])
    #expect(whole.skipped.isEmpty)
    for cut in 1..<Self.stream.count {
      let split = Self.parse([Array(Self.stream[..<cut]), Array(Self.stream[cut...])], maxSize: 100)
      #expect(split.objects == whole.objects, "cut at \(cut)")
    }
    let bytewise = Self.parse(Self.stream.map { [$0] }, maxSize: 100)
    #expect(bytewise.objects == whole.objects)
  }

  @Test func objectsOverTheLimitAreSkipped() {
    for cut in 1..<Self.stream.count {
      let split = Self.parse([Array(Self.stream[..<cut]), Array(Self.stream[cut...])], maxSize: 5)
      #expect(split.objects == ["aaaa blob hello", "dddd tree xyz", "eeee blob "], "cut at \(cut)")
      #expect(split.skipped == ["cccc"])
    }
  }
}
