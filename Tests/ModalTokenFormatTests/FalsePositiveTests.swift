import Testing

@testable import ModalTokenFormat

/// The proof for scanners: ten million random strings of a checksummed secret's shape, and
/// none passes the checksum (each passes with probability 2⁻³², so about 0.002 are expected).
@Suite struct FalsePositiveTests {
  @Test func tenMillionRandomStringsOfTheRightShapeAllFail() {
    var generator = SplitMix64(seed: 0x6D6F_6461_6C2D_7377)
    let prefix = Array(TokenSecretFormat.prefix.utf8)
    var candidate = prefix + [UInt8](repeating: 0x30, count: TokenSecretFormat.bodyLength)
    var passed = 0
    candidate.withUnsafeMutableBytes { buffer in
      for _ in 0..<10_000_000 {
        generator.fillBase62(UnsafeMutableRawBufferPointer(rebasing: buffer[prefix.count...]))
        if TokenSecretFormat.inspect(UnsafeRawBufferPointer(buffer)) == .checksummed { passed += 1 }
      }
    }
    #expect(passed == 0)
    // The same loop does find a well-formed secret: the check above is not vacuous.
    let real = TokenSecretFormat.secret(random: "zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ")
    #expect(Array(real.utf8).withUnsafeBytes { TokenSecretFormat.inspect($0) } == .checksummed)
  }
}

/// A small fast generator (Steele, Lea and Flood's SplitMix64), so ten million strings take seconds.
private struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Fills `buffer` with base62 characters, ten from each 64-bit draw (62¹⁰ < 2⁶⁴; the slight bias
  /// of the last digit does not matter for this count).
  mutating func fillBase62(_ buffer: UnsafeMutableRawBufferPointer) {
    var draw: UInt64 = 0
    for index in buffer.indices {
      if index % 10 == 0 { draw = next() }
      buffer[index] = Base62.alphabet[Int(draw % 62)]
      draw /= 62
    }
  }
}
