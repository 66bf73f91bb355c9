#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import ModalTokenFormat

/// Finds token ids and secrets in bytes, fast enough for a whole repository and its history.
///
/// The shape searched is `\b(as|ak)-[0-9A-Za-z]+\b`; `memchr` finds each `-` (SIMD in the C
/// library), so the common byte never reaches Swift code, and only a hyphen after `as`/`ak` at the
/// start of a word is looked at further. The run of base62 characters after it decides the kind
/// by its length, then ``TokenSecretFormat/inspect(_:)`` checks the checksum.
package enum TokenScanner {
  /// Characters after `ak-` in a token id.
  package static let idLength = 22
  /// Characters after `as-` in secrets without a checksum: Modal's (22) and older modal-server's (24).
  package static let uncheckedSecretLengths: Set<Int> = [22, 24]
  /// Lengths after `as-` that are damaged checksummed secrets (reported only when asked for).
  static let mistypedLengths = 25...(TokenSecretFormat.bodyLength + 6)

  /// Every token-shaped string in `text`, in order.
  package static func matches(in text: UnsafeRawBufferPointer) -> [TokenMatch] {
    guard let base = text.baseAddress, text.count >= 4 else { return [] }
    var found: [TokenMatch] = []
    var lines = LineCounter()
    var position = 2  // a hyphen before offset 2 cannot follow `as`/`ak`
    while position < text.count {
      guard let hit = memchr(base + position, 0x2D, text.count - position) else { break }  // "-"
      let hyphen = base.distance(to: UnsafeRawPointer(hit))
      position = hyphen + 1
      guard let kind = prefixKind(text, hyphen: hyphen) else { continue }
      var end = position
      while end < text.count && Base62.contains(text[end]) { end += 1 }
      guard end == text.count || text[end] != 0x5F else { continue }  // "_" continues the word
      let start = hyphen - 2
      let token = UnsafeRawBufferPointer(rebasing: text[start..<end])
      guard let matchKind = classify(token, isSecret: kind == .secret) else { continue }
      let (line, column) = lines.position(of: start, in: text)
      found.append(
        TokenMatch(
          kind: matchKind, offset: start, length: end - start, line: line, column: column,
          value: String(decoding: token, as: UTF8.self)))
      position = end
    }
    return found
  }

  private enum Prefix { case secret, id }

  /// Whether the hyphen at `hyphen` ends `as` or `ak` at the start of a word.
  private static func prefixKind(_ text: UnsafeRawBufferPointer, hyphen: Int) -> Prefix? {
    guard hyphen >= 2, text[hyphen - 2] == 0x61 else { return nil }  // "a"
    if hyphen >= 3 && isWordByte(text[hyphen - 3]) { return nil }
    switch text[hyphen - 1] {
    case 0x73: return .secret  // "s"
    case 0x6B: return .id  // "k"
    default: return nil
    }
  }

  /// What the token-shaped bytes are, or nil when their length fits no token.
  private static func classify(_ token: UnsafeRawBufferPointer, isSecret: Bool) -> TokenMatch.Kind? {
    let body = token.count - 3
    guard isSecret else { return body == idLength ? .tokenID : nil }
    if uncheckedSecretLengths.contains(body) { return .uncheckedSecret }
    guard mistypedLengths.contains(body) else { return nil }
    switch TokenSecretFormat.inspect(token) {
    case .checksummed: return .checksummedSecret
    case .mistyped(let problem): return .mistypedSecret(problem)
    case .unchecked: return nil
    }
  }

  /// Whether `byte` is a regular-expression word character (`[0-9A-Za-z_]`).
  static func isWordByte(_ byte: UInt8) -> Bool { Base62.contains(byte) || byte == 0x5F }
}

/// Line and column of offsets visited in increasing order, counting each newline once.
struct LineCounter {
  private var scanned = 0
  private var line = 1
  private var lineStart = 0

  /// The 1-based line and column (in code points) of `offset`, which is not before the last one.
  mutating func position(of offset: Int, in text: UnsafeRawBufferPointer) -> (line: Int, column: Int) {
    guard let base = text.baseAddress else { return (1, 1) }
    while scanned < offset, let hit = memchr(base + scanned, 0x0A, offset - scanned) {
      let newline = base.distance(to: UnsafeRawPointer(hit))
      line += 1
      lineStart = newline + 1
      scanned = newline + 1
    }
    scanned = offset
    var column = 1
    for index in lineStart..<offset where text[index] & 0xC0 != 0x80 { column += 1 }
    return (line, column)
  }
}
