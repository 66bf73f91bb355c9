import Testing

@testable import ModalTokenFormat

@Suite struct TokenSecretFormatTests {
  @Test func crc32MatchesZlibCheckValues() {
    // The standard check value of CRC-32/ISO-HDLC, and zlib.crc32(b"") and zlib.crc32(b"a").
    #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    #expect(CRC32.checksum([UInt8]()) == 0)
    #expect(CRC32.checksum(Array("a".utf8)) == 0xE8B7_BE43)
  }

  @Test func checksumMatchesGitHubsPublishedExample() {
    // From GitHub's token-format write-up: this random part has the checksum 0mLq17.
    #expect(TokenSecretFormat.checksum(of: "zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ".utf8) == "0mLq17")
  }

  @Test func base62PadsToWidthAndHoldsTheLargestChecksum() {
    #expect(Base62.encode(0, width: 6) == "000000")
    #expect(Base62.encode(61, width: 6) == "00000z")
    #expect(Base62.encode(62, width: 6) == "000010")
    #expect(Base62.encode(UInt32.max, width: 6) == "4gfFC3")
  }

  @Test func aMadeSecretIsChecksummed() {
    let secret = TokenSecretFormat.secret(random: "zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ")
    #expect(secret == "as-zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ0mLq17")
    #expect(TokenSecretFormat.inspect(secret) == .checksummed)
  }

  @Test func everySingleCharacterChangeIsCaught() {
    let secret = Array(TokenSecretFormat.secret(random: "zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ").utf8)
    for position in 3..<secret.count {
      for replacement in Base62.alphabet where replacement != secret[position] {
        var changed = secret
        changed[position] = replacement
        #expect(TokenSecretFormat.inspect(String(decoding: changed, as: UTF8.self)) == .mistyped(.checksumMismatch))
      }
    }
  }

  @Test func damagedSecretsSayWhatIsWrong() {
    let secret = TokenSecretFormat.secret(random: "zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ")
    #expect(TokenSecretFormat.inspect(String(secret.dropLast(2))) == .mistyped(.truncated(missing: 2)))
    #expect(TokenSecretFormat.inspect(secret + "x") == .mistyped(.tooLong(extra: 1)))
    #expect(TokenSecretFormat.inspect(secret.replacingFirst("J", with: "_")) == .mistyped(.invalidCharacter(position: 33)))
    #expect(TokenSecretProblem.checksumMismatch.description.contains("mistyped"))
    #expect(!TokenSecretProblem.truncated(missing: 3).description.contains(secret))
  }

  @Test func otherShapesAreUncheckedNotRefused() {
    #expect(TokenSecretFormat.inspect("as-FAKESECRETSTRINGABCDEF") == .unchecked)  // Modal's 22
    #expect(TokenSecretFormat.inspect("as-" + String(repeating: "A", count: 24)) == .unchecked)  // older modal-server
    #expect(TokenSecretFormat.inspect("ak-" + String(repeating: "A", count: 36)) == .unchecked)
    #expect(TokenSecretFormat.inspect("") == .unchecked)
  }
}

extension String {
  fileprivate func replacingFirst(_ target: Character, with replacement: Character) -> String {
    guard let index = firstIndex(of: target) else { return self }
    var copy = self
    copy.replaceSubrange(index...index, with: String(replacement))
    return copy
  }
}
