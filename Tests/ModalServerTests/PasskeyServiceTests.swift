import TestSupport
import Testing

@testable import ModalServer

/// Passkeys over the store (SQLite): challenges are single-use, bound to the user and ceremony,
/// and expire; registration, sign-in, counters, renaming and removal.
@Suite struct PasskeyServiceTests {
  struct Setup {
    let folder = TemporaryFolder()
    let clock = ManualClock()
    let backend: Backend
    let alice: User
    let bob: User

    /// Over SQLite, or over a new database of the shared throwaway PostgreSQL cluster.
    init(postgres: Bool = false) async throws {
      let store: any Store =
        postgres
        ? try PostgresStore(url: PostgresServer.shared().newDatabase(), listen: false)
        : try SQLiteStore(path: folder.path + "/db.sqlite3")
      backend = Backend(
        dependencies: Dependencies(
          store: store, keys: .random(), clock: clock.clock, settings: ServerSettings(publicURL: "https://dash.test")))
      alice = try await backend.accounts.bootstrap(email: "alice@example.com", workspaceName: "acme", password: nil).user
      bob = try await backend.accounts.createUser(email: "bob@example.com", password: nil)
    }

    var passkeys: PasskeyService { backend.passkeys }

    /// Registers `authenticator` for `user` through a fresh challenge.
    func register(_ authenticator: TestAuthenticator, for user: User, name: String = "Laptop") async throws
      -> PasskeyRecord
    {
      let challenge = try await passkeys.challenge(for: user, ceremony: .registration)
      let response = authenticator.registration(challenge: challenge)
      return try await passkeys.register(
        user: user, name: name, clientDataJSON: response.clientDataJSON, attestationObject: response.attestationObject)
    }

    func signIn(
      _ response: (clientDataJSON: [UInt8], authenticatorData: [UInt8], signature: [UInt8]), user: User,
      credentialID: String
    ) async throws(ServerError) -> PasskeyRecord {
      try await passkeys.authenticate(
        user: user, credentialID: credentialID, clientDataJSON: response.clientDataJSON,
        authenticatorData: response.authenticatorData, signature: response.signature)
    }
  }

  private func refusal(_ body: () async throws -> PasskeyRecord) async -> ServerError? {
    do { _ = try await body(); return nil } catch { return error as? ServerError ?? ServerError(.internal, "\(error)") }
  }

  @Test(arguments: [TestAuthenticator.Algorithm.es256, .edDSA])
  func registersAndSignsIn(_ algorithm: TestAuthenticator.Algorithm) async throws {
    let setup = try await Setup()
    let authenticator = TestAuthenticator(algorithm)
    let record = try await setup.register(authenticator, for: setup.alice, name: "  Laptop  ")
    #expect(record.name == "Laptop" && record.algorithm == authenticator.coseKey.algorithm)
    #expect(try await setup.backend.secondFactors.enrolment(of: setup.alice).passkeys == [record])
    let challenge = try await setup.passkeys.challenge(for: setup.alice, ceremony: .signIn)
    let response = authenticator.assertion(challenge: challenge, signCount: 1)
    _ = try await setup.signIn(response, user: setup.alice, credentialID: record.credentialID)
    let used = try #require(try await setup.backend.secondFactors.enrolment(of: setup.alice).passkeys.first)
    #expect(used.signCount == 1 && used.lastUsedAt == setup.clock.now)
    // The same response again: its challenge was taken by the first answer.
    let replayed = await refusal {
      try await setup.signIn(response, user: setup.alice, credentialID: record.credentialID)
    }
    #expect(replayed?.message == WebAuthnRefusal.wrongChallenge.message)
  }

  @Test func challengesAreBoundToUserCeremonyAndTime() async throws {
    let setup = try await Setup()
    let authenticator = TestAuthenticator(.es256)
    let record = try await setup.register(authenticator, for: setup.alice)
    let wrongChallenge = WebAuthnRefusal.wrongChallenge.message
    // Bob's challenge answered for Alice.
    let bobs = try await setup.passkeys.challenge(for: setup.bob, ceremony: .signIn)
    #expect(await refusal {
      try await setup.signIn(authenticator.assertion(challenge: bobs, signCount: 1), user: setup.alice, credentialID: record.credentialID)
    }?.message == wrongChallenge)
    // A registration challenge answered as a sign-in.
    let registration = try await setup.passkeys.challenge(for: setup.alice, ceremony: .registration)
    #expect(await refusal {
      try await setup.signIn(
        authenticator.assertion(challenge: registration, signCount: 1), user: setup.alice, credentialID: record.credentialID)
    }?.message == wrongChallenge)
    // A challenge answered after its lifetime.
    let late = try await setup.passkeys.challenge(for: setup.alice, ceremony: .signIn)
    setup.clock.advance(seconds: PasskeyService.challengeLifetime + 1)
    #expect(await refusal {
      try await setup.signIn(authenticator.assertion(challenge: late, signCount: 1), user: setup.alice, credentialID: record.credentialID)
    }?.message == wrongChallenge)
    // A challenge never issued.
    #expect(await refusal {
      try await setup.signIn(
        authenticator.assertion(challenge: Array(repeating: 1, count: 32), signCount: 1), user: setup.alice,
        credentialID: record.credentialID)
    }?.message == wrongChallenge)
  }

  @Test func refusesOtherUsersCredentialsAndCounterRegressions() async throws {
    let setup = try await Setup()
    let authenticator = TestAuthenticator(.edDSA)
    let record = try await setup.register(authenticator, for: setup.alice)
    let forBob = try await setup.passkeys.challenge(for: setup.bob, ceremony: .signIn)
    #expect(await refusal {
      try await setup.signIn(authenticator.assertion(challenge: forBob, signCount: 1), user: setup.bob, credentialID: record.credentialID)
    }?.message == WebAuthnRefusal.unknownCredential.message)
    let first = try await setup.passkeys.challenge(for: setup.alice, ceremony: .signIn)
    _ = try await setup.signIn(authenticator.assertion(challenge: first, signCount: 9), user: setup.alice, credentialID: record.credentialID)
    let second = try await setup.passkeys.challenge(for: setup.alice, ceremony: .signIn)
    #expect(await refusal {
      try await setup.signIn(authenticator.assertion(challenge: second, signCount: 3), user: setup.alice, credentialID: record.credentialID)
    }?.message == WebAuthnRefusal.counterRegressed.message)
    // Registering the same credential again is refused by the store.
    #expect(await refusal { try await setup.register(authenticator, for: setup.alice) }?.code == .alreadyExists)
  }

  @Test func renamesAndRemovesOnlyTheirOwn() async throws {
    let setup = try await Setup()
    let record = try await setup.register(TestAuthenticator(.es256), for: setup.alice)
    try await setup.passkeys.rename(user: setup.alice, credentialID: record.credentialID, to: "Phone")
    #expect(try await setup.backend.secondFactors.enrolment(of: setup.alice).passkeys.map(\.name) == ["Phone"])
    for bad in ["", "   ", String(repeating: "x", count: 65), "a\u{7}b"] {
      await #expect(throws: ServerError.self) {
        try await setup.passkeys.rename(user: setup.alice, credentialID: record.credentialID, to: bad)
      }
    }
    await #expect(throws: ServerError.self) {
      try await setup.passkeys.rename(user: setup.bob, credentialID: record.credentialID, to: "Mine")
    }
    await #expect(throws: ServerError.self) { try await setup.passkeys.remove(user: setup.bob, credentialID: record.credentialID) }
    try await setup.passkeys.remove(user: setup.alice, credentialID: record.credentialID)
    #expect(try await setup.backend.secondFactors.enrolment(of: setup.alice).passkeys.isEmpty)
  }

  /// The same store calls on PostgreSQL: challenge taken once, counter forward only, rename, remove.
  @Test func worksOnPostgreSQL() async throws {
    let setup = try await Setup(postgres: true)
    let authenticator = TestAuthenticator(.es256)
    let record = try await setup.register(authenticator, for: setup.alice)
    let challenge = try await setup.passkeys.challenge(for: setup.alice, ceremony: .signIn)
    let response = authenticator.assertion(challenge: challenge, signCount: 2)
    _ = try await setup.signIn(response, user: setup.alice, credentialID: record.credentialID)
    #expect(await refusal { try await setup.signIn(response, user: setup.alice, credentialID: record.credentialID) }?.message
      == WebAuthnRefusal.wrongChallenge.message)
    let lower = try await setup.passkeys.challenge(for: setup.alice, ceremony: .signIn)
    #expect(await refusal {
      try await setup.signIn(authenticator.assertion(challenge: lower, signCount: 1), user: setup.alice, credentialID: record.credentialID)
    }?.message == WebAuthnRefusal.counterRegressed.message)
    try await setup.passkeys.rename(user: setup.alice, credentialID: record.credentialID, to: "Phone")
    let stored = try await setup.backend.secondFactors.enrolment(of: setup.alice).passkeys
    #expect(stored.map(\.name) == ["Phone"] && stored.first?.signCount == 2 && stored.first?.lastUsedAt != nil)
    try await setup.passkeys.remove(user: setup.alice, credentialID: record.credentialID)
    #expect(try await setup.backend.secondFactors.enrolment(of: setup.alice).passkeys.isEmpty)
  }
}
