import Foundation
import Modal
import RPC
@testable import ModalServer
import Testing
import TestSupport

/// GitHub's secret-scanning partner protocol on `POST /secret-scanning/github`: signed reports
/// revoke our tokens and are answered with labels; forged, replayed and oversized ones are refused.
@Suite(.serialized) struct LeakReportTests {
  /// A backend on SQLite with an owner, a second token of theirs, and a dashboard that trusts `signer`.
  private struct World {
    let folder = TemporaryFolder()
    let backend: Backend
    let dashboard: Dashboard
    let owner: AccountService.Bootstrapped
    let leaked: IssuedToken
    let signer: ScanningSigner

    init() async throws {
      signer = try ScanningSigner()
      backend = Backend(
        dependencies: Dependencies(store: try SQLiteStore(path: folder.path + "/db.sqlite3"), keys: .random()))
      owner = try await backend.accounts.bootstrap(email: "owner@example.com", workspaceName: "acme", password: nil)
      leaked = try await backend.tokens.issue(
        workspaceID: owner.workspace.id, owner: .user(id: owner.user.id), createdByUserID: owner.user.id, name: "laptop",
        scopes: .all, lifetimeSeconds: nil, by: .serverOperator)
      dashboard = Dashboard(backend: backend, scanningKeys: try await ScanningKeySource.at(signer.writeKeysFile()))
    }

    func post(_ body: [UInt8], headers: [String: String]) async -> HTTPResponse {
      await dashboard.handle(
        HTTPRequest(method: "POST", path: GitHubScanningEndpoint.path, headers: headers, body: body, peer: "192.0.2.7"))
    }

    func labels(_ response: HTTPResponse) throws -> [[String: String]] {
      try #require(JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: String]])
    }
  }

  /// A look-alike of `secret`: one character changed, so its checksum no longer matches.
  private func lookAlike(_ secret: String) -> String {
    var characters = Array(secret)
    characters[5] = characters[5] == "A" ? "B" : "A"
    return String(characters)
  }

  @Test func aSignedReportRevokesOurTokenAndLabelsEachFinding() async throws {
    let world = try await World()
    let secret = world.leaked.secret
    let stranger = TokenFormat.newSecret()  // well formed, but never issued here
    let body = ScanningSigner.body([secret, lookAlike(secret), stranger, "as-short"])
    let response = await world.post(body, headers: try world.signer.headers(for: body))
    #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
    let labels = try world.labels(response)
    #expect(labels.map { $0["label"] } == ["true_positive", "false_positive", "false_positive", "false_positive"])
    #expect(labels.map { $0["token_raw"] } == [secret, lookAlike(secret), stranger, "as-short"])
    #expect(labels.allSatisfy { $0["token_type"] == "modal_token_secret" })

    // Revoked through the store, so the token is refused from now on.
    #expect(try await world.backend.dependencies.store.token(id: world.leaked.record.id)?.revokedAt != nil)
    await #expect(throws: ServerError.self) {
      _ = try await world.backend.tokens.authenticate(id: world.leaked.record.id.rawValue, secret: secret)
    }
    // The owner's other token still works.
    _ = try await world.backend.tokens.authenticate(id: world.owner.token.record.id.rawValue, secret: world.owner.token.secret)

    // One audit entry, naming the token and the place, never the secret.
    var query = AuditQuery(workspaceID: world.owner.workspace.id)
    query.actions = ["token.leak_revoked"]
    let entries = try await world.backend.dependencies.store.auditEntries(query)
    #expect(entries.count == 1)
    let entry = try #require(entries.first)
    #expect(entry.target.id == world.leaked.record.id.rawValue && entry.subjectUserID == world.owner.user.id)
    #expect(entry.detail["url"] == "https://github.com/octo/demo/blob/abc/config.toml" && entry.detail["source"] == "content")
    #expect(entry.actor.name == "github" && entry.actor.address == "192.0.2.7")
    #expect(!"\(entry)".contains(secret) && !entry.detailJSON.contains(secret))

    // The owner's dashboard says so.
    let notices = try await world.dashboard.leakNotices(for: world.owner.user, in: [world.owner.workspace.id])
    #expect(notices.text.contains(world.leaked.record.id.rawValue) && notices.text.contains("found public at"))
    #expect(notices.text.contains("https://github.com/octo/demo/blob/abc/config.toml") && !notices.text.contains(secret))

    let metrics = world.backend.dependencies.metrics
    #expect(metrics.leakReports.counts.map(\.label) == ["accepted"])
    #expect(Dictionary(uniqueKeysWithValues: metrics.leakedTokens.counts.map { ($0.label, $0.count) })
      == ["true_positive": 1, "false_positive": 3])
  }

  @Test func aReportOfARevokedTokenIsATruePositiveWithoutASecondEntry() async throws {
    let world = try await World()
    for url in ["https://example.com/first", "https://example.com/second"] {
      let body = ScanningSigner.body([world.leaked.secret], url: url)
      let response = await world.post(body, headers: try world.signer.headers(for: body))
      #expect(try world.labels(response).map { $0["label"] } == ["true_positive"])
    }
    var query = AuditQuery(workspaceID: world.owner.workspace.id)
    query.actions = ["token.leak_revoked"]
    #expect(try await world.backend.dependencies.store.auditEntries(query).map { $0.detail["url"] } == ["https://example.com/first"])
  }

  @Test func forgedReplayedAndOversizedReportsAreRefused() async throws {
    let world = try await World()
    let body = ScanningSigner.body([world.leaked.secret])
    let headers = try world.signer.headers(for: body)

    // A tampered body under the original signature.
    var tampered = body
    tampered[tampered.count - 3] ^= 0x01
    #expect(await world.post(tampered, headers: headers).status == 401)
    // A key id GitHub never published.
    var wrongKey = headers
    wrongKey["github-public-key-identifier"] = String(repeating: "cd", count: 32)
    #expect(await world.post(body, headers: wrongKey).status == 401)
    // Another key signing under our key's id.
    let impostor = try ScanningSigner(keyIdentifier: world.signer.keyIdentifier)
    #expect(await world.post(body, headers: try impostor.headers(for: body)).status == 401)
    // No signature at all, and a signature that is not base64.
    #expect(await world.post(body, headers: ["github-public-key-identifier": world.signer.keyIdentifier]).status == 400)
    var garbled = headers
    garbled["github-public-key-signature"] = "%%%"
    #expect(await world.post(body, headers: garbled).status == 401)
    #expect(try await world.backend.dependencies.store.token(id: world.leaked.record.id)?.revokedAt == nil)

    // Accepted once; the same body and signature again is a replay.
    #expect(await world.post(body, headers: headers).status == 200)
    let replay = await world.post(body, headers: headers)
    #expect(replay.status == 409 && String(decoding: replay.body, as: UTF8.self).contains("already received"))

    // Over 64 KiB, refused before the signature is even looked at.
    let huge = ScanningSigner.body([String(repeating: "x", count: GitHubScanningEndpoint.maximumBodyBytes)])
    #expect(await world.post(huge, headers: try world.signer.headers(for: huge)).status == 413)
    // Signed, but not the array GitHub sends.
    let object = Array(#"{"token":"as-x"}"#.utf8)
    #expect(await world.post(object, headers: try world.signer.headers(for: object)).status == 400)
    // GET is not how reports come.
    let get = await world.dashboard.handle(HTTPRequest(method: "GET", path: GitHubScanningEndpoint.path))
    #expect(get.status == 405)

    let outcomes = Dictionary(
      uniqueKeysWithValues: world.backend.dependencies.metrics.leakReports.counts.map { ($0.label, $0.count) })
    #expect(outcomes == ["bad_signature": 3, "unknown_key": 1, "malformed": 2, "accepted": 1, "replay": 1, "too_large": 1])
    let page = MetricsPage.render(world.backend.dependencies.metrics, store: nil)
    #expect(page.contains("modal_server_leak_reports_total{outcome=\"replay\"} 1"), "\(page)")
    #expect(page.contains("modal_server_leaked_tokens_total{label=\"true_positive\"} 1"))
  }

  @Test func peopleAreLimitedPerAddressAndBatchAndChecksMatchOnlyTheRightFingerprint() async throws {
    let world = try await World()
    let service = world.backend.leaks
    #expect(throws: ServerError.self) { try service.admitPerson(peer: "ipv4:192.0.2.9:1", batch: 101) }
    for _ in 0..<LeakReportService.callsPerMinute { try service.admitPerson(peer: "ipv4:192.0.2.9:1", batch: 1) }
    do {
      try service.admitPerson(peer: "ipv4:192.0.2.9:2", batch: 1)
      Issue.record("the call past the limit was admitted")
    } catch {
      #expect(error.code == .resourceExhausted)
    }
    try service.admitPerson(peer: "ipv4:192.0.2.10:1", batch: 1)  // another address has its own budget

    let id = world.leaked.record.id.rawValue
    let right = TokenService.fingerprint(of: world.leaked.secret)
    let wrong = TokenService.fingerprint(of: world.owner.token.secret)
    let states = try await service.states(of: [
      (id, right), (id, right.uppercased()), (id, wrong), ("ak-" + String(repeating: "x", count: 22), right), (id, "zz"),
    ])
    #expect(states == [.active, .active, .unknown, .unknown, .unknown])
    _ = try await service.report([.init(token: world.leaked.secret)], by: .serverOperator)
    #expect(try await service.states(of: [(id, right)]) == [.revoked])
  }

  @Test func keysAreFetchedFromAURLAndFetchedAgainForANewKey() async throws {
    let world = try await World()
    let next = try ScanningSigner(keyIdentifier: String(repeating: "ef", count: 32))
    let document = Locked(world.signer.keysDocument())
    let fetches = Locked(0)
    // GitHub's keys URL, played by the server's own HTTP listener on loopback.
    let keysServer = try HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0)) { request in
      fetches.withLock { $0 += 1 }
      guard request.path == "/meta/public_keys/secret_scanning" else { return .text(404, "no\n") }
      return HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(document.withLock { $0 }.utf8))
    }
    defer { keysServer.stop() }
    let url = "http://127.0.0.1:\(keysServer.port)/meta/public_keys/secret_scanning"
    let source = try await ScanningKeySource.at(url, reloadInterval: .zero)
    let dashboard = Dashboard(backend: world.backend, scanningKeys: source)
    let body = ScanningSigner.body([world.leaked.secret])
    func post(_ signer: ScanningSigner) async throws -> Int {
      await dashboard.handle(
        HTTPRequest(method: "POST", path: GitHubScanningEndpoint.path, headers: try signer.headers(for: body), body: body)
      ).status
    }
    #expect(try await post(next) == 401)
    document.withLock { $0 = world.signer.keysDocument(others: [next.keyIdentifier: next.publicKeyPEM]) }
    #expect(try await post(next) == 200)
    #expect(fetches.withLock { $0 } == 3, "start-up, then once per unknown key")
    await #expect(throws: ServerError.self) { _ = try await ScanningKeySource.at(url + "-missing") }
  }

  @Test func aReportTheStoreCouldNotTakeIsNotARepeatWhenDeliveredAgain() async throws {
    let world = try await World()
    let body = ScanningSigner.body([world.leaked.secret])
    let headers = try world.signer.headers(for: body)
    // A store that fails the lookup: the table is gone.
    let store = try #require(world.backend.dependencies.store as? SQLiteStore)
    try await store.write { db throws(ServerError) in _ = try db.execute("ALTER TABLE tokens RENAME TO tokens_gone", []) }
    let first = await world.post(body, headers: headers)
    #expect(first.status == 503, "\(first.status) \(String(decoding: first.body, as: UTF8.self))")
    #expect(await world.post(body, headers: headers).status == 503, "GitHub's redelivery is not a replay")

    let replays = ReplayGuard(window: 60, capacity: 2)
    let now = UnixTime(microseconds: 1_000_000_000_000)
    #expect(replays.admit([1], at: now) && !replays.admit([1], at: now.adding(seconds: 60)))
    #expect(replays.admit([1], at: now.adding(seconds: 61)), "past the window")
    #expect(replays.admit([2], at: now.adding(seconds: 62)) && replays.admit([3], at: now.adding(seconds: 63)))
    #expect(replays.admit([1], at: now.adding(seconds: 64)), "the oldest was forgotten at capacity")
    replays.forget([3])
    #expect(replays.admit([3], at: now.adding(seconds: 65)))
  }

  @Test func theClientAndTheServerHashSecretsAlike() throws {
    // FIPS 180-2's "abc" vector, then a real secret through both sides.
    let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    #expect(try LeakReporter.fingerprint(of: "abc") == abc && TokenService.fingerprint(of: "abc") == abc)
    let secret = TokenFormat.newSecret()
    #expect(try LeakReporter.fingerprint(of: secret) == TokenService.fingerprint(of: secret))
  }

  @Test func withoutKeysTheEndpointIsOffAndBadKeyFilesStopStartUp() async throws {
    let world = try await World()
    let plain = Dashboard(backend: world.backend)
    let body = ScanningSigner.body([world.leaked.secret])
    let response = await plain.handle(
      HTTPRequest(method: "POST", path: GitHubScanningEndpoint.path, headers: try world.signer.headers(for: body), body: body))
    #expect(response.status == 404)
    #expect(try await world.backend.dependencies.store.token(id: world.leaked.record.id)?.revokedAt == nil)

    let folder = TemporaryFolder()
    await #expect(throws: ServerError.self) { _ = try await ScanningKeySource.at(folder.path + "/missing.json") }
    await #expect(throws: ServerError.self) {
      _ = try await ScanningKeySource.at(folder.write(#"{"public_keys":[{"key_identifier":"a","key":"nope"}]}"#, to: "bad.json"))
    }
    await #expect(throws: ServerError.self) { _ = try await ScanningKeySource.at(folder.write("[]", to: "array.json")) }
    await #expect(throws: ServerError.self) { _ = try await ScanningKeySource.at("http://example.com/keys.json") }
  }

  @Test func aRotatedKeyIsPickedUpFromTheFileAtMostOncePerInterval() async throws {
    let world = try await World()
    let keysFile = world.signer.folder.path + "/keys.json"
    let next = try ScanningSigner(keyIdentifier: String(repeating: "ef", count: 32))
    let eager = try await ScanningKeySource.at(keysFile, reloadInterval: .zero)
    let patient = try await ScanningKeySource.at(keysFile, reloadInterval: .seconds(3600))
    #expect(await eager.key(next.keyIdentifier) == nil)
    #expect(await patient.key(next.keyIdentifier) == nil)
    // GitHub rotated: the file now lists the new key beside the old one.
    try Data(world.signer.keysDocument(others: [next.keyIdentifier: next.publicKeyPEM]).utf8)
      .write(to: URL(fileURLWithPath: keysFile))
    #expect(await patient.key(next.keyIdentifier) == nil, "re-read within the interval")
    let dashboard = Dashboard(backend: world.backend, scanningKeys: eager)
    let body = ScanningSigner.body([world.leaked.secret])
    let response = await dashboard.handle(
      HTTPRequest(method: "POST", path: GitHubScanningEndpoint.path, headers: try next.headers(for: body), body: body))
    #expect(response.status == 200)
    #expect(await eager.key(world.signer.keyIdentifier) != nil, "the old key still verifies")
  }
}
