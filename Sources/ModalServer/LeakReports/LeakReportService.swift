import Foundation

/// Acts on reports of token secrets found in public: each secret that is one of ours is answered
/// `true_positive` and, when still active, revoked at once through the store's revocation (so
/// every replica refuses it on the change event); anything else is `false_positive`.
///
/// Used by the GitHub secret-scanning partner endpoint and by `modal token scan --report`. The
/// secret itself never reaches a log, an error or the audit log: entries name the token and the
/// place it was found.
package struct LeakReportService: Sendable {
  let dependencies: Dependencies
  private var hasher: SecretHasher { SecretHasher(keys: dependencies.keys) }
  /// Reports and checks from people (no token needed), per client address and minute.
  let people: FlowStartLimiter

  /// The most reports and checks one client address may send per minute (on one replica).
  package static let callsPerMinute = 30
  /// The most secrets or tokens one report or check from a person may carry.
  package static let maximumBatch = 100

  /// Creates the service.
  package init(dependencies: Dependencies) {
    self.dependencies = dependencies
    people = FlowStartLimiter(perMinute: Self.callsPerMinute)
  }

  /// One found secret, as GitHub reports it.
  package struct Finding: Sendable, Equatable {
    /// The string found (a token secret, if it is ours).
    package var token: String
    /// The reporter's name for the kind of secret (`modal_token_secret`).
    package var type: String
    /// Where it was found (a commit's file, an issue comment), if said.
    package var url: String
    /// What kind of place it was found in (`content`, `commit`, `issue_comment`, `npm`), if said.
    package var source: String

    /// A finding.
    package init(token: String, type: String = "", url: String = "", source: String = "") {
      self.token = token
      self.type = type
      self.url = url
      self.source = source
    }
  }

  /// GitHub's verdict on one finding.
  package enum Label: String, Sendable {
    /// The secret is one of ours (now revoked, if it was not already).
    case truePositive = "true_positive"
    /// Not a secret of ours: a look-alike, a mistyped one, or one this server never made.
    case falsePositive = "false_positive"
  }

  /// What became of one finding.
  package struct Verdict: Sendable, Equatable {
    /// GitHub's label.
    package var label: Label
    /// The token the secret belongs to, when it is ours.
    package var tokenID: TokenID?
    /// Whether this report revoked it (false when it was already revoked or expired).
    package var revoked: Bool
  }

  /// Who reported, as the audit log names them: `github` (the partner endpoint, `source` `web`)
  /// or `user` (`modal token scan --report`, `source` `sdk`), from `peer`.
  package static func reporter(_ name: String, peer: String, source: String = "web") -> AuditActor {
    AuditActor(kind: .anonymous, id: "", name: name, address: FlowStartLimiter.address(of: peer), source: source)
  }

  /// Judges each finding in order, revoking the active tokens among them.
  package func report(_ findings: [Finding], by reporter: AuditActor) async throws(ServerError) -> [Verdict] {
    var verdicts: [Verdict] = []
    for finding in findings { verdicts.append(try await judge(finding, by: reporter)) }
    return verdicts
  }

  /// A report or check from a person at `peer`: refused past the per-address rate or batch size.
  package func admitPerson(peer: String, batch: Int) throws(ServerError) {
    guard batch <= Self.maximumBatch else {
      throw ServerError(.invalidArgument, "Send at most \(Self.maximumBatch) tokens at a time.")
    }
    guard people.admit(peer: peer, now: dependencies.clock.now()) else {
      dependencies.metrics.rateLimited.add("leak_report")
      throw ServerError(
        .resourceExhausted,
        "Too many leak reports or checks from this address; at most \(Self.callsPerMinute) a minute. Try again in a minute.")
    }
  }

  /// Where a token stands, for `modal token scan --check-server`.
  package enum TokenState: String, Sendable {
    /// Neither revoked nor expired.
    case active
    /// Revoked.
    case revoked
    /// Past its expiry.
    case expired
    /// No such token, a fingerprint that does not match, or a token older than fingerprints.
    case unknown
  }

  /// The state of each token named by id and the SHA-256 of its secret (hex). Every mismatch is
  /// `unknown`, so a check reveals nothing about an id without its secret.
  package func states(of tokens: [(id: String, fingerprint: String)]) async throws(ServerError) -> [TokenState] {
    var states: [TokenState] = []
    let now = dependencies.clock.now()
    for (id, fingerprint) in tokens {
      guard TokenFormat.isWellFormedID(id), let sent = Hex.decode(fingerprint.lowercased()), sent.count == 32,
        let stored = try await dependencies.store.secretFingerprint(of: TokenID(rawValue: id)).flatMap(Hex.decode),
        Sodium.constantTimeEqual(sent, stored), let token = try await dependencies.store.token(id: TokenID(rawValue: id))
      else {
        states.append(.unknown)
        continue
      }
      if token.revokedAt != nil {
        states.append(.revoked)
      } else if let expiresAt = token.expiresAt, expiresAt <= now {
        states.append(.expired)
      } else {
        states.append(.active)
      }
    }
    return states
  }

  private func judge(_ finding: Finding, by reporter: AuditActor) async throws(ServerError) -> Verdict {
    let secret = finding.token.trimmingCharacters(in: .whitespacesAndNewlines)
    // A look-alike (wrong checksum, wrong length) is answered without touching the database.
    guard TokenFormat.isWellFormedSecret(secret) else { return Verdict(label: .falsePositive, revoked: false) }
    let candidates = try await dependencies.store.tokens(secretHashes: hasher.hashesUnderEveryKey(secret))
    guard let token = candidates.first(where: { hasher.matches(secret, storedHash: $0.secretHash, keyID: $0.hashKeyID) })
    else { return Verdict(label: .falsePositive, revoked: false) }
    let now = dependencies.clock.now()
    if token.revokedAt != nil || token.expiresAt.map({ $0 <= now }) == true {
      return Verdict(label: .truePositive, tokenID: token.id, revoked: false)
    }
    var detail = ["url": String(finding.url.prefix(2048)), "source": String(finding.source.prefix(64))]
    if !finding.type.isEmpty { detail["type"] = String(finding.type.prefix(64)) }
    let owner: UserID? = if case .user(let id) = token.owner { id } else { nil }
    let entry = AuditEntry(
      .tokenLeakRevoked, by: reporter, target: .token(token.id, name: token.name), workspaceID: token.workspaceID,
      at: now, detail: detail, subjectUserID: owner)
    let revoked = try await dependencies.store.revokeToken(id: token.id, at: now, audit: entry)
    if revoked { dependencies.metrics.tokensRevoked.add() }
    return Verdict(label: .truePositive, tokenID: token.id, revoked: revoked)
  }
}
