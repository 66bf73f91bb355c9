import Foundation
import Modal
import ModalAPI
import ProtoWire
import RPC
import Synchronization
import TestSupport
import Testing

/// The SDK against the Python stand-in server built on the real `modal_proto` of modal 1.6.4.
@Suite(.serialized) struct TransportInteropTests {
  static var tokens: [String: Any] {
    [
    "ak-ALICE": ["secret": "as-ALICESECRET0000000000", "workspace": "alice-ws"],
    "ak-BOB": ["secret": "as-BOBSECRET000000000000", "workspace": "bob-ws"],
    ]
  }

  private func client(
    _ server: StandInServer, id: String = "ak-ALICE", secret: String = "as-ALICESECRET0000000000",
    variables: [String: String] = [:], serverURL: String? = nil, channel: ChannelOptions? = nil,
    warnings: WarningCollector? = nil
  ) throws -> ModalClient {
    let folder = TemporaryFolder()
    var handler: (@Sendable (ServerWarning) -> Void)?
    if let warnings { handler = { warnings.add($0) } }
    return try ModalClient(
      tokenID: id, tokenSecret: secret,
      options: .init(
        serverURL: serverURL ?? server.url, host: folder.host(variables), warningHandler: handler,
        channelOptions: channel))
  }

  @Test func helloCarriesIdentityCredentialsAndRetryHeaders() async throws {
    let server = try StandInServer(script: ["tokens": Self.tokens])
    try await client(server).hello()
    let request = try #require(server.requests("ClientHello").first)
    #expect(request.header("x-modal-token-id") == "ak-ALICE")
    #expect(request.header("x-modal-token-secret") == "as-ALICESECRET0000000000")
    #expect(request.header("x-modal-client-type") == "7")
    #expect(request.header("x-modal-client-version") == "1.0.0")
    #expect(request.header("x-modal-libmodal-version") == "modal-swift/\(ClientIdentity.sdkVersion)")
    #expect(request.header("x-modal-platform")?.hasPrefix("Linux-") == true)
    #expect(request.header("x-retry-attempt") == "0")
    #expect(request.header("x-throttle-retry-attempt") == "0")
    #expect(request.header("x-idempotency-key")?.count == 36)
    #expect(request.header("x-modal-timestamp").flatMap(Double.init) != nil)
    #expect(request.header("x-retry-delay") == nil)
    #expect(request.deadline == nil)
  }

  /// A comma-separated `server_url`: the first call goes to the first candidate that connects, at
  /// once (not after gRPC's multi-second backup poller), and a dead first candidate hands over to the
  /// next without waiting out the 3-second stagger.
  @Test func aFailoverListConnectsAtOnceAndSkipsADeadCandidate() async throws {
    let first = try StandInServer(script: ["tokens": Self.tokens])
    let second = try StandInServer(script: ["tokens": Self.tokens])
    let started = ContinuousClock.now
    try await client(first, serverURL: "\(first.url),\(second.url)").hello()
    #expect(ContinuousClock.now - started < .seconds(2), "took \(ContinuousClock.now - started)")
    #expect(first.requests("ClientHello").count == 1 && second.requests("ClientHello").isEmpty)

    let dead = "http://127.0.0.1:\(try FreePort.find())"
    let failoverStart = ContinuousClock.now
    try await client(second, serverURL: "\(dead),\(second.url)").hello()
    #expect(ContinuousClock.now - failoverStart < .seconds(2), "took \(ContinuousClock.now - failoverStart)")
    #expect(second.requests("ClientHello").count == 1)
  }

  @Test func unavailableIsRetriedWithTheSameIdempotencyKey() async throws {
    let server = try StandInServer(script: [
      "tokens": Self.tokens,
      "steps": ["TokenInfoGet": [["status": "UNAVAILABLE", "message": "busy"], ["status": "INTERNAL", "message": "oops"]]],
    ])
    let info = try await client(server).tokenInfo()
    #expect(info.workspaceName == "alice-ws")
    let attempts = server.requests("TokenInfoGet")
    #expect(attempts.map { $0.header("x-retry-attempt") } == ["0", "1", "2"])
    #expect(Set(attempts.map { $0.header("x-idempotency-key") }).count == 1)
    #expect(Set(attempts.map { $0.header("x-modal-timestamp") }).count == 1)
    #expect(attempts[0].header("x-retry-delay") == nil)
    let delays = attempts.dropFirst().compactMap { $0.header("x-retry-delay").flatMap(Double.init) }
    #expect(delays.count == 2)
    #expect(delays[0] >= 0.1 && delays[1] >= 0.3, "0.1 s, then 0.1 + 0.2 s: \(delays)")
  }

  @Test func retriesStopAfterThreeAndTheErrorIsTheServers() async throws {
    let busy = ["status": "UNAVAILABLE", "message": "still busy"]
    let server = try StandInServer(script: ["tokens": Self.tokens, "steps": ["TokenInfoGet": [busy, busy, busy, busy, busy]]])
    let error = await #expect(throws: ModalError.self) { try await client(server).tokenInfo() }
    #expect(error?.code == .unavailable)
    #expect(error?.message == "still busy")
    #expect(server.requests("TokenInfoGet").count == 4)
  }

  @Test(arguments: ["UNAUTHENTICATED", "PERMISSION_DENIED", "NOT_FOUND", "INVALID_ARGUMENT"])
  func authenticationAndClientErrorsAreNotRetried(status: String) async throws {
    let server = try StandInServer(script: [
      "tokens": Self.tokens, "steps": ["TokenInfoGet": [["status": status, "message": "no (\(status))"]]],
    ])
    let error = await #expect(throws: ModalError.self) { try await client(server).tokenInfo() }
    #expect(error?.message == "no (\(status))")
    #expect(server.requests("TokenInfoGet").count == 1)
  }

  @Test func wrongSecretSaysWhereTheCredentialsCameFromAndWhatToCheck() async throws {
    let server = try StandInServer(script: ["tokens": Self.tokens])
    let error = await #expect(throws: ModalError.self) { try await client(server, secret: "as-WRONGSECRET00000000").hello() }
    #expect(error?.code == .authentication)
    #expect(error?.message == "Token validation failed (stand-in)")
    let remedy = error?.remedy ?? ""
    #expect(remedy.contains("rejected token ak-ALICE (secret as-****0000) from arguments passed in code"))
    #expect(remedy.contains("not expired, not revoked"))
    // Credentials passed in code have nothing to do with the profile selected in the file.
    #expect(remedy.contains("run `modal token new`, or create one in the dashboard"))
    #expect(!remedy.contains("--profile"))
    #expect(!(error?.description.contains("as-WRONGSECRET00000000") ?? true))
  }

  @Test func serverDirectedRetryWaitsAsToldAndCountsSeparately() async throws {
    let server = try StandInServer(script: [
      "tokens": Self.tokens,
      "steps": ["TokenInfoGet": [["status": "RESOURCE_EXHAUSTED", "message": "slow down", "retry_after": 0.3]]],
    ])
    let start = ContinuousClock.now
    _ = try await client(server).tokenInfo()
    #expect(ContinuousClock.now - start >= .milliseconds(300))
    let attempts = server.requests("TokenInfoGet")
    #expect(attempts.map { $0.header("x-throttle-retry-attempt") } == ["0", "1"])
    #expect(attempts.map { $0.header("x-retry-attempt") } == ["0", "0"])
    #expect(attempts[1].header("x-throttle-retry-delay") == "0.300")
  }

  @Test func maxThrottleWaitZeroDisablesServerDirectedRetries() async throws {
    let server = try StandInServer(script: [
      "tokens": Self.tokens,
      "steps": ["TokenInfoGet": [["status": "RESOURCE_EXHAUSTED", "message": "slow down", "retry_after": 0.1]]],
    ])
    let error = await #expect(throws: ModalError.self) {
      try await client(server, variables: ["MODAL_MAX_THROTTLE_WAIT": "0"]).tokenInfo()
    }
    #expect(error?.code == .resourceExhausted)
    #expect(server.requests("TokenInfoGet").count == 1)
  }

  @Test func warningsFromHelloAndFromTrailersReachTheHandler() async throws {
    let server = try StandInServer(script: [
      "tokens": Self.tokens, "hello_warnings": ["This client is old"],
      "steps": ["TokenInfoGet": [["trailers": ["x-modal-warning": "Token expires in 2 days%21"]]]],
    ])
    let collector = WarningCollector()
    let modal = try client(server, warnings: collector)
    let warnings = try await modal.hello()
    #expect(warnings.map(\.message) == ["This client is old"])
    #expect(warnings.first?.kind == .clientDeprecation)
    _ = try await modal.tokenInfo()
    #expect(collector.messages == ["This client is old", "Token expires in 2 days!"])
  }

  @Test func deadlinesAreSentAndEnforced() async throws {
    let server = try StandInServer(script: ["tokens": Self.tokens, "steps": ["WorkspaceNameLookup": [["delay": 2.0]]]])
    let modal = try client(server)
    let start = ContinuousClock.now
    let error = await #expect(throws: ModalError.self) { try await modal.workspaceName(timeout: .milliseconds(500)) }
    #expect(error?.code == .timeout)
    #expect(ContinuousClock.now - start < .milliseconds(1500))
    let request = try #require(server.requests("WorkspaceNameLookup").first)
    #expect(request.deadline.map { $0 > 0 && $0 <= 0.5 } == true)
    #expect(request.header("x-retry-attempt") == nil, "calls without retry send no retry headers")
    #expect(try await modal.workspaceName(timeout: .seconds(3)) == "alice-ws")
  }

  @Test func droppedConnectionIsRetried() async throws {
    let server = try StandInServer(script: ["tokens": Self.tokens, "steps": ["ClientHello": [["drop": true]]]])
    try await client(server).hello()
    #expect(server.requests("ClientHello").count == 2)
  }

  @Test func commaSeparatedServerURLFailsOverToTheNextServer() async throws {
    let server = try StandInServer(script: ["tokens": Self.tokens])
    let closed = "http://127.0.0.1:\(try FreePort.find())"
    let modal = try client(server, serverURL: "\(closed), \(server.url)")
    #expect(try await modal.workspaceName() == "alice-ws")
  }

  @Test func unreachableServerSaysWhichURLAndWhy() async throws {
    let url = "http://127.0.0.1:\(try FreePort.find())"
    let folder = TemporaryFolder()
    let modal = try ModalClient(tokenID: "ak-x", tokenSecret: "as-x", options: .init(serverURL: url, host: folder.host()))
    let error = await #expect(throws: ModalError.self) { try await modal.hello() }
    #expect(error?.code == .connection)
    #expect(error?.message.hasPrefix("Could not connect to the Modal server at \(url):") == true, "\(error?.message ?? "")")
    #expect(error?.message.contains("refused") == true, "\(error?.message ?? "")")
  }

  @Test func tlsWithAThrowawayCertificateAuthority() async throws {
    let folder = TemporaryFolder()
    let certificates = try TestCertificates(in: folder)
    let server = try StandInServer(
      script: ["tokens": Self.tokens], certificate: (certificates.certificatePath, certificates.keyPath))
    var trusted = ChannelOptions()
    trusted.rootCertificates = .file(certificates.caPath)
    #expect(try await client(server, channel: trusted).workspaceName() == "alice-ws")

    let error = await #expect(throws: ModalError.self) { try await client(server).hello() }
    #expect(error?.code == .connection, "the system roots do not trust the test CA: \(String(describing: error))")
  }

  @Test func twoClientsInOneProcessEachSendTheirOwnCredentials() async throws {
    let server = try StandInServer(script: ["tokens": Self.tokens])
    let alice = try client(server)
    let bob = try client(server, id: "ak-BOB", secret: "as-BOBSECRET000000000000")
    let names = try await withThrowingTaskGroup(of: (Int, String).self) { group in
      for index in 0..<60 {
        group.addTask { (index, try await (index.isMultiple(of: 2) ? alice : bob).workspaceName()) }
      }
      return try await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
    }
    #expect((0..<60).allSatisfy { names[$0] == ($0.isMultiple(of: 2) ? "alice-ws" : "bob-ws") })
    let requests = server.requests("WorkspaceNameLookup")
    #expect(requests.count == 60)
    #expect(requests.allSatisfy { request in
      let id = request.header("x-modal-token-id")
      let secret = request.header("x-modal-token-secret")
      return (id == "ak-ALICE" && secret == "as-ALICESECRET0000000000") || (id == "ak-BOB" && secret == "as-BOBSECRET000000000000")
    })
  }

  @Test func authTokenIsFetchedOnceForConcurrentCallers() async throws {
    let server = try StandInServer(script: ["tokens": Self.tokens])
    let modal = try client(server)
    let tokens = try await withThrowingTaskGroup(of: String.self) { group in
      for _ in 0..<20 { group.addTask { try await modal.authToken() } }
      return try await group.reduce(into: Set<String>()) { $0.insert($1) }
    }
    #expect(tokens.count == 1)
    #expect(server.requests("AuthTokenGet").count == 1)
    // The core rounds the grpc-timeout header up to its unit, so allow a few milliseconds over 5 s.
    #expect(server.requests("AuthTokenGet").first?.deadline.map { $0 > 4 && $0 <= 5.05 } == true)
  }

  @Test func overrideHeadersAreSent() async throws {
    let server = try StandInServer(script: ["tokens": Self.tokens])
    try await client(server, variables: ["MODAL_OVERRIDE_HEADERS": "x-custom: one, x-modal-client-version: 9.9.9"]).hello()
    let request = try #require(server.requests("ClientHello").first)
    #expect(request.header("x-custom") == "one")
    #expect(request.header("x-modal-client-version") == "9.9.9")
  }
}

/// Collects server warnings from any thread.
final class WarningCollector: Sendable {
  private let storage = Mutex<[ServerWarning]>([])
  func add(_ warning: ServerWarning) { storage.withLock { $0.append(warning) } }
  var messages: [String] { storage.withLock { $0.map(\.message) } }
}
