/// What a scan reports: a secret (with the token id found beside it, if any), or, when look-alikes
/// are asked for, a damaged secret or a lone token id.
package struct TokenFinding: Sendable, Equatable {
  /// How sure the scanner is that the finding is a real secret.
  package enum Confidence: String, Sendable, Equatable {
    /// A checksummed secret whose checksum matches: a random string passes with probability 2⁻³².
    case high
    /// A secret of a shape without a checksum, next to a token id.
    case medium
    /// A secret of a shape without a checksum, alone.
    case low
    /// Not a secret: a look-alike or a token id, listed only when asked for.
    case none
  }

  /// The secret, damaged secret or token id; its position is the finding's position.
  package let match: TokenMatch
  /// The token id on the same or an adjacent line, paired with the secret.
  package let tokenID: TokenMatch?

  /// Whether it makes the scan fail (a secret of any confidence).
  package var isLeak: Bool { match.isSecret }

  /// How sure the scanner is.
  package var confidence: Confidence {
    switch match.kind {
    case .checksummedSecret: return .high
    case .uncheckedSecret: return tokenID == nil ? .low : .medium
    case .mistypedSecret, .tokenID: return .none
    }
  }

  /// A stable name for the kind of finding (JSON `kind`, SARIF rule id).
  package var rule: TokenRule {
    switch match.kind {
    case .checksummedSecret, .uncheckedSecret: return tokenID == nil ? .secret : .pair
    case .mistypedSecret: return .mistypedSecret
    case .tokenID: return .tokenID
    }
  }
}

/// The kinds of finding, with the names output formats use.
package enum TokenRule: String, Sendable, CaseIterable {
  /// A token id and its secret, together.
  case pair = "token-pair"
  /// A secret alone.
  case secret = "token-secret"
  /// The shape of a checksummed secret with a wrong checksum or length (look-alike).
  case mistypedSecret = "mistyped-secret"
  /// A token id alone (not secret).
  case tokenID = "token-id"
}

/// Turns the matches of one text into findings.
package enum TokenFindings {
  /// Secrets, each paired with the closest unused token id on its line or an adjacent one; with
  /// `lookAlikes`, also damaged secrets and the token ids left unpaired.
  package static func findings(in matches: [TokenMatch], lookAlikes: Bool = false) -> [TokenFinding] {
    var unusedIDs = matches.indices.filter { matches[$0].kind == .tokenID }
    var results: [TokenFinding] = []
    for match in matches where match.isSecret {
      let nearest = unusedIDs.filter { abs(matches[$0].line - match.line) <= 1 }
        .min { abs(matches[$0].offset - match.offset) < abs(matches[$1].offset - match.offset) }
      if let nearest { unusedIDs.removeAll { $0 == nearest } }
      results.append(TokenFinding(match: match, tokenID: nearest.map { matches[$0] }))
    }
    if lookAlikes {
      for match in matches where !match.isSecret {
        if match.kind == .tokenID && !unusedIDs.contains(where: { matches[$0] == match }) { continue }
        results.append(TokenFinding(match: match, tokenID: nil))
      }
    }
    return results.sorted { $0.match.offset < $1.match.offset }
  }
}
