import Foundation
import ModalAPI
import ModalServer
import ProtoWire
import RPC
import Testing
import TestSupport

@Suite struct TokenTests {
  @Test func idsAndSecretsHaveTheDocumentedShape() {
    for _ in 0..<200 {
      let id = TokenFormat.newID()
      let secret = TokenFormat.newSecret()
      #expect(id.wholeMatch(of: /ak-[0-9A-Za-z]{22}/) != nil)
      #expect(secret.wholeMatch(of: /as-[0-9A-Za-z]{36}/) != nil)
      #expect(TokenFormat.isWellFormedID(id) && TokenFormat.isWellFormedSecret(secret))
    }
    #expect(!TokenFormat.isWellFormedID("ak-short"))
    #expect(!TokenFormat.isWellFormedID("ak-AAAAAAAAAAAAAAAAAAAAA_"))
    #expect(!TokenFormat.isWellFormedSecret("as-" + String(repeating: "é", count: 24)))
    // Secrets made before checksums stay valid; a checksummed one with a changed character does not.
    #expect(TokenFormat.isWellFormedSecret("as-" + String(repeating: "A", count: 24)))
    let secret = TokenFormat.newSecret()
    let changed = String(secret.dropLast()) + (secret.hasSuffix("0") ? "1" : "0")
    #expect(!TokenFormat.isWellFormedSecret(changed))
    #expect(TokenFormat.secretShapeProblem(changed).contains("checksum"))
    // The random part alone carries more than 128 bits.
    #expect(Double(TokenFormat.secretRandomLength) * log2(62) > 128)
  }

  @Test func randomCharactersAreSpreadOverTheAlphabet() {
    var counts: [Character: Int] = [:]
    for _ in 0..<500 { for character in RandomText.base62(count: 62) { counts[character, default: 0] += 1 } }
    #expect(counts.count == 62)
    #expect(counts.values.min()! > 300 && counts.values.max()! < 700)  // expected 500 each
  }

  @Test func shapesAreBase62AfterTheirPrefix() {
    let body = RandomText.base62(count: 22)
    #expect(RandomText.hasShape("ak-" + body, prefix: "ak-", length: 22))
    #expect(RandomText.isBase62(Substring(RandomText.base62.map(String.init).joined())))
    for bad in ["-", "_", "+", "/", "=", " ", "\u{E9}", "\u{0}", "\u{7F}", "\u{FF10}"] {
      let text = "ak-" + body.dropLast() + bad
      #expect(!RandomText.hasShape(text, prefix: "ak-", length: 22), "\(bad.debugDescription)")
      #expect(!RandomText.isBase62(Substring(bad + "abc")), "\(bad.debugDescription)")
    }
    #expect(!RandomText.hasShape("as-" + body, prefix: "ak-", length: 22))
    #expect(!RandomText.hasShape("ak-" + body + "x", prefix: "ak-", length: 22))
  }

  @Test func onlyAKeyedHashOfTheSecretIsStored() async throws {
    try await withHarness { harness in
      let extra = try await harness.ownerToken(scopes: .all)
      await harness.store.close()
      for suffix in ["", "-wal", "-shm"] {
        let bytes = (try? Data(contentsOf: URL(fileURLWithPath: harness.store.path + suffix))) ?? Data()
        for secret in [harness.owner.secret, extra.secret] {
          #expect(bytes.range(of: Data(secret.utf8)) == nil, "secret found in \(suffix)")
          #expect(bytes.range(of: Data(secret.dropFirst(3).utf8)) == nil)
        }
      }
      let record = try #require(try await harness.store.token(id: TokenID(rawValue: extra.id)))
      let keys = harness.backend.dependencies.keys
      #expect(record.secretHash == Hex.encode(Sodium.hmacSHA256(key: keys.current.hashing, message: Array(extra.secret.utf8))))
      #expect(record.hashKeyID == keys.current.id)
      #expect(record.secretHint == String(extra.secret.suffix(4)))
    }
  }

  @Test func unknownIdAndWrongSecretGetTheSameAnswer() async throws {
    try await withHarness { harness in
      let unknown = Credentials(id: TokenFormat.newID(), secret: TokenFormat.newSecret())
      let wrong = Credentials(id: harness.owner.id, secret: TokenFormat.newSecret())
      let first = await rpcError { try await harness.call(ModalClientMethods.clientHello, Empty(), as: unknown) }
      let second = await rpcError { try await harness.call(ModalClientMethods.clientHello, Empty(), as: wrong) }
      #expect(first?.code == .unauthenticated)
      #expect(first?.status == second?.status)
      #expect(first?.message == TokenService.invalidCredentialsMessage)
      for error in [first, second] { #expect(error?.message.contains("as-") == false) }
    }
  }

  @Test func missingAndMalformedCredentialsAreUnauthenticated() async throws {
    try await withHarness { harness in
      let missing = await rpcError { try await harness.call(ModalClientMethods.clientHello, Empty(), as: nil) }
      #expect(missing?.code == .unauthenticated)
      #expect(missing?.message.hasPrefix("Token missing") == true)
      let onlyID = await rpcError {
        try await harness.channel.unary(
          path: ModalClientMethods.clientHello.path, request: [], metadata: ["x-modal-token-id": harness.owner.id])
      }
      #expect(onlyID?.code == .unauthenticated)
      let malformedID = await rpcError {
        try await harness.call(ModalClientMethods.clientHello, Empty(), as: Credentials(id: "ak-nope", secret: harness.owner.secret))
      }
      #expect(malformedID?.code == .unauthenticated)
      #expect(malformedID?.message.hasPrefix("Token ID is malformed") == true)
      let malformedSecret = await rpcError {
        try await harness.call(ModalClientMethods.clientHello, Empty(), as: Credentials(id: harness.owner.id, secret: "secret"))
      }
      #expect(malformedSecret?.code == .unauthenticated)
      #expect(malformedSecret?.message.contains("secret") == true)
      #expect(malformedSecret?.message.contains("'secret'") == false)
    }
  }

  @Test func expiredAndRevokedTokensSaySoAndWhen() async throws {
    try await withHarness { harness in
      let shortLived = try await harness.ownerToken(scopes: .all, lifetime: 60)
      _ = try await harness.call(ModalClientMethods.clientHello, Empty(), as: shortLived)
      harness.clock.advance(seconds: 61)
      let expired = await rpcError { try await harness.call(ModalClientMethods.clientHello, Empty(), as: shortLived) }
      #expect(expired?.code == .unauthenticated)
      let expiry = try #require(try await harness.store.token(id: TokenID(rawValue: shortLived.id))?.expiresAt)
      #expect(expired?.message == "Token \(shortLived.id) expired at \(expiry.iso8601). Create a new token with `modal token new`.")

      let revokable = try await harness.ownerToken(scopes: .all)
      _ = try await harness.call(ModalClientMethods.tokenDelete, TokenDeleteRequest(tokenID: revokable.id), as: harness.owner)
      let revoked = await rpcError { try await harness.call(ModalClientMethods.clientHello, Empty(), as: revokable) }
      #expect(revoked?.code == .unauthenticated)
      #expect(revoked?.message.hasPrefix("Token \(revokable.id) was revoked at ") == true)
      #expect(expired?.message != revoked?.message)
    }
  }

  @Test func secretChecksUseConstantTimeComparison() {
    let keys = ServerKeys.random()
    let hasher = SecretHasher(keys: keys)
    let secret = TokenFormat.newSecret()
    let (hash, keyID) = hasher.hash(secret)
    #expect(hasher.matches(secret, storedHash: hash, keyID: keyID))
    var flipped = Array(secret.utf8)
    flipped[flipped.count - 1] ^= 1
    #expect(!hasher.matches(String(decoding: flipped, as: UTF8.self), storedHash: hash, keyID: keyID))
    #expect(!hasher.matches(secret, storedHash: hash, keyID: "unknown-key"))
    #expect(Sodium.constantTimeEqual([1, 2, 3], [1, 2, 3]))
    #expect(!Sodium.constantTimeEqual([1, 2, 3], [1, 2, 4]))
    #expect(!Sodium.constantTimeEqual([1, 2, 3], [1, 2]))
    // The comparison in the source is sodium_memcmp, not ==.
    let source = (try? String(contentsOfFile: ProcessRunner.packageRoot + "/Sources/ModalServer/Crypto/Sodium.swift", encoding: .utf8)) ?? ""
    #expect(source.contains("sodium_memcmp(lhs, rhs, lhs.count)"))
  }

  @Test func keysRotateWithoutBreakingOldHashes() {
    let old = (id: "old", master: Sodium.randomBytes(32))
    let before = ServerKeys(keys: [old])
    let secret = TokenFormat.newSecret()
    let (hash, keyID) = SecretHasher(keys: before).hash(secret)
    let after = ServerKeys(keys: [(id: "new", master: Sodium.randomBytes(32)), old])
    #expect(SecretHasher(keys: after).matches(secret, storedHash: hash, keyID: keyID))
    #expect(SecretHasher(keys: after).hash(secret).keyID == "new")
  }

  @Test func keyFileIsCreatedOwnerOnlyAndReloaded() throws {
    let folder = TemporaryFolder()
    let first = try ServerKeys.loadOrCreate(dataDirectory: folder.path)
    let attributes = try FileManager.default.attributesOfItem(atPath: folder.path + "/server-keys")
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
    let second = try ServerKeys.loadOrCreate(dataDirectory: folder.path)
    #expect(first.current.id == second.current.id)
    #expect(first.current.hashing == second.current.hashing)
    chmod(folder.path + "/server-keys", 0o644)
    #expect(throws: ServerError.self) { try ServerKeys.loadOrCreate(dataDirectory: folder.path) }
  }

  @Test func lastUsedIsBufferedAndFlushedInOneBatch() async throws {
    try await withHarness { harness in
      _ = try await harness.call(ModalClientMethods.clientHello, Empty(), as: harness.owner)
      #expect(try await harness.store.token(id: TokenID(rawValue: harness.owner.id))?.lastUsedAt == nil)  // no write per request
      let listed = try await harness.call(ModalClientMethods.tokensList, Empty(), as: harness.owner)
      #expect(listed.tokens.first { $0.tokenID == harness.owner.id }?.lastUsedAt ?? 0 > 0)  // but visible at once
      try await harness.backend.maintenance()
      #expect(try await harness.store.token(id: TokenID(rawValue: harness.owner.id))?.lastUsedAt != nil)
    }
  }

  @Test func passwordsAreArgon2idHashes() throws {
    let hasher = PasswordHasher()
    let hash = try hasher.hash("correct horse battery staple")
    #expect(hash.hasPrefix("$argon2id$"))
    #expect(hasher.verify("correct horse battery staple", against: hash))
    #expect(!hasher.verify("wrong horse battery staple", against: hash))
    #expect(throws: ServerError.self) { try PasswordHasher.validate("short") }
    // Characters, not bytes: 11 accented letters (22 bytes) or 3 emoji (12 bytes) are too short.
    #expect(throws: ServerError.self) { try PasswordHasher.validate(String(repeating: "é", count: 11)) }
    #expect(throws: ServerError.self) { try PasswordHasher.validate("😀😀😀") }
    try PasswordHasher.validate(String(repeating: "é", count: 12))
  }

  @Test func authTokenIsASignedJWTWithExpiry() async throws {
    try await withHarness { harness in
      let response = try await harness.call(ModalClientMethods.authTokenGet, AuthTokenGetRequest(), as: harness.owner)
      let claims = try #require(JWTSigner(keys: harness.backend.dependencies.keys).verify(response.token))
      let iat = try #require(claims["iat"] as? Int)
      let exp = try #require(claims["exp"] as? Int)
      #expect(exp - iat == 1200)
      #expect(claims["sub"] as? String == harness.ownerUser.id.rawValue)
      #expect(claims["workspace_id"] as? String == harness.workspace.id.rawValue)
      #expect(JWTSigner(keys: .random()).verify(response.token) == nil)
    }
  }
}
