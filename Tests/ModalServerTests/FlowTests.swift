import Foundation
import ModalAPI
import ModalServer
import ProtoWire
import RPC
import Testing

@Suite struct FlowTests {
  @Test func userCodesUseTheRFC8628Alphabet() {
    for _ in 0..<100 {
      let code = UserCode.generate()
      #expect(code.count == 8 && code.allSatisfy { "BCDFGHJKLMNPQRSTVWXZ".contains($0) })
      #expect(UserCode.display(code).wholeMatch(of: /[B-Z]{4}-[B-Z]{4}/) != nil)
    }
    #expect(UserCode.normalize("wdjb-mjht") == "WDJBMJHT")
    #expect(UserCode.normalize(" WDJB MJHT ") == "WDJBMJHT")
    #expect(UserCode.normalize("WDJB-MJHA") == nil)  // A is a vowel
    #expect(UserCode.normalize("WDJB-MJH") == nil)
  }

  @Test func waitReturnsPromptlyAfterApproval() async throws {
    try await withHarness(settings: ServerSettings(publicURL: "https://id.example.com/")) { harness in
      let created = try await harness.call(
        ModalClientMethods.tokenFlowCreate, TokenFlowCreateRequest(utmSource: "test", localhostPort: 4242, nextURL: "/home"), as: nil)
      #expect(created.tokenFlowID.hasPrefix("tf-"))
      #expect(created.webURL == "https://id.example.com/flow/\(created.code)")
      #expect(!created.webURL.contains(created.waitSecret))
      #expect(created.code.wholeMatch(of: /[B-Z]{4}-[B-Z]{4}/) != nil)
      let stored = try #require(try await harness.store.flow(id: FlowID(rawValue: created.tokenFlowID)))
      #expect(stored.localhostPort == 4242 && stored.utmSource == "test" && stored.nextURL == "/home")

      let waiter = Task {
        try await harness.call(
          ModalClientMethods.tokenFlowWait,
          TokenFlowWaitRequest(timeout: 30, tokenFlowID: created.tokenFlowID, waitSecret: created.waitSecret), as: nil)
      }
      // Let the call park, then approve and time how long the waiter needs.
      let parked = await eventually { await harness.backend.flows.waiters.parkedCount == 1 }
      #expect(parked)
      let approvedAt = ContinuousClock.now
      try await harness.backend.approveFlow(code: created.code.lowercased(), email: "owner@example.com", workspaceName: "acme")
      let response = try await waiter.value
      let latency = ContinuousClock.now - approvedAt
      #expect(latency < .seconds(2), "took \(latency)")  // loose; the benchmark measures it properly
      #expect(response.timeout == false && response.workspaceUsername == "acme")
      #expect(TokenFormat.isWellFormedID(response.tokenID) && TokenFormat.isWellFormedSecret(response.tokenSecret))
      let newToken = Credentials(id: response.tokenID, secret: response.tokenSecret)
      let info = try await harness.call(ModalClientMethods.tokenInfoGet, TokenInfoGetRequest(), as: newToken)
      #expect(info.userIdentity?.userID == harness.ownerUser.id.rawValue)

      // Single use: a second wait is refused, and the code no longer approves anything.
      let replay = await rpcError {
        try await harness.call(
          ModalClientMethods.tokenFlowWait,
          TokenFlowWaitRequest(timeout: 1, tokenFlowID: created.tokenFlowID, waitSecret: created.waitSecret), as: nil)
      }
      #expect(replay?.code == .failedPrecondition)
      let again = await serverError {
        try await harness.backend.approveFlow(code: created.code, email: "owner@example.com", workspaceName: nil)
      }
      #expect(again?.code == .notFound)
    }
  }

  /// Removing a member revokes their tokens; a login they approved before must not mint a new
  /// one afterwards (nor come back when they are added again).
  @Test func anApprovalDiesWithTheApproversMembership() async throws {
    try await withHarness { harness in
      let accounts = harness.backend.accounts
      let workspace = try await accounts.workspace(name: "acme")
      let alice = try await accounts.createUser(email: "alice@example.com", password: nil)
      try await accounts.setMembership(user: alice, workspace: workspace, role: .member, by: .serverOperator)
      let created = try await harness.call(
        ModalClientMethods.tokenFlowCreate, TokenFlowCreateRequest(utmSource: "test", localhostPort: 0, nextURL: ""), as: nil)
      try await harness.backend.approveFlow(code: created.code, email: "alice@example.com", workspaceName: "acme")
      try await accounts.removeMember(alice, from: workspace, by: .serverOperator)

      let wait = TokenFlowWaitRequest(timeout: 1, tokenFlowID: created.tokenFlowID, waitSecret: created.waitSecret)
      let refused = await rpcError { try await harness.call(ModalClientMethods.tokenFlowWait, wait, as: nil) }
      #expect(refused?.code == .permissionDenied)
      #expect(refused?.message.contains("no longer a member of workspace 'acme'") == true)
      #expect(try await harness.store.tokens(workspaceID: workspace.id, owner: .user(id: alice.id)).isEmpty)
      #expect(try await harness.store.flow(id: FlowID(rawValue: created.tokenFlowID)) == nil)

      try await accounts.setMembership(user: alice, workspace: workspace, role: .member, by: .serverOperator)
      let afterReAdding = await rpcError { try await harness.call(ModalClientMethods.tokenFlowWait, wait, as: nil) }
      #expect(afterReAdding != nil && afterReAdding?.code != .ok)
      #expect(try await harness.store.tokens(workspaceID: workspace.id, owner: .user(id: alice.id)).isEmpty)
    }
  }

  /// TokenFlowCreate needs no token and writes a row: one address gets a bounded number per minute.
  @Test func flowStartsPerAddressAreLimitedPerMinute() async throws {
    var settings = ServerSettings(publicURL: "http://127.0.0.1:9")
    settings.flowStartsPerMinutePerAddress = 3
    try await withHarness(settings: settings) { harness in
      let request = TokenFlowCreateRequest(utmSource: "test", localhostPort: 0, nextURL: "")
      // Align with the start of a minute, so the window cannot roll over between the calls.
      harness.clock.advance(seconds: 60 - harness.clock.now.wholeSeconds % 60)
      for _ in 0..<3 { _ = try await harness.call(ModalClientMethods.tokenFlowCreate, request, as: nil) }
      let refused = await rpcError { try await harness.call(ModalClientMethods.tokenFlowCreate, request, as: nil) }
      #expect(refused?.code == .resourceExhausted)
      #expect(refused?.message.hasPrefix("Too many logins were started from your address in the last minute.") == true)
      harness.clock.advance(seconds: 60)
      _ = try await harness.call(ModalClientMethods.tokenFlowCreate, request, as: nil)
    }
    #expect(FlowStartLimiter.address(of: "ipv4:10.0.0.7:51234") == "10.0.0.7")
    #expect(FlowStartLimiter.address(of: "ipv6:[2001:db8::1]:443") == "2001:db8::1")
    #expect(FlowStartLimiter.address(of: "unix:/tmp/sock") == "unix:/tmp/sock")
    #expect(FlowStartLimiter.address(of: "ipv4:10.0.0.7") == "10.0.0.7")
    #expect(FlowStartLimiter.address(of: "ipv4:") == "")
    #expect(FlowStartLimiter.address(of: "ipv6:[::1]") == "::1")
    #expect(FlowStartLimiter.address(of: "ipv6:]::1[:443") == "ipv6:]::1[:443")
    #expect(FlowStartLimiter.address(of: "IPV4:10.0.0.7:1") == "IPV4:10.0.0.7:1")
    #expect(FlowStartLimiter.address(of: "") == "")
    let limiter = FlowStartLimiter(perMinute: 1)
    let now = UnixTime(microseconds: 0)
    #expect(limiter.admit(peer: "ipv4:1.2.3.4:1", now: now) && limiter.admit(peer: "ipv4:5.6.7.8:1", now: now))
    #expect(!limiter.admit(peer: "ipv4:1.2.3.4:2", now: now))
    #expect(FlowStartLimiter(perMinute: 0).admit(peer: "x", now: now))
  }

  @Test func waitTimesOutWithTimeoutTrueAndHonoursTheRequestTimeout() async throws {
    try await withHarness { harness in
      let created = try await harness.call(ModalClientMethods.tokenFlowCreate, TokenFlowCreateRequest(), as: nil)
      let start = ContinuousClock.now
      let response = try await harness.call(
        ModalClientMethods.tokenFlowWait,
        TokenFlowWaitRequest(timeout: 0.3, tokenFlowID: created.tokenFlowID, waitSecret: created.waitSecret), as: nil)
      let elapsed = ContinuousClock.now - start
      #expect(response.timeout && response.tokenID.isEmpty && response.tokenSecret.isEmpty)
      #expect(elapsed >= .milliseconds(250) && elapsed < .seconds(5))
      #expect(await harness.backend.flows.waiters.parkedCount == 0)
    }
  }

  @Test func wrongWaitSecretAndUnknownFlowGetTheSameAnswer() async throws {
    try await withHarness { harness in
      let created = try await harness.call(ModalClientMethods.tokenFlowCreate, TokenFlowCreateRequest(), as: nil)
      let wrong = await rpcError {
        try await harness.call(
          ModalClientMethods.tokenFlowWait, TokenFlowWaitRequest(timeout: 1, tokenFlowID: created.tokenFlowID, waitSecret: "fw-x"),
          as: nil)
      }
      let unknown = await rpcError {
        try await harness.call(
          ModalClientMethods.tokenFlowWait,
          TokenFlowWaitRequest(timeout: 1, tokenFlowID: "tf-AAAAAAAAAAAAAAAAAAAAAA", waitSecret: created.waitSecret), as: nil)
      }
      #expect(wrong?.code == .notFound)
      #expect(wrong?.status == unknown?.status)
    }
  }

  @Test func flowsExpire() async throws {
    try await withHarness { harness in
      let created = try await harness.call(
        ModalClientMethods.tokenFlowCreate, TokenFlowCreateRequest(expiresInSeconds: 3600), as: nil)
      harness.clock.advance(seconds: 601)
      let late = await serverError {
        try await harness.backend.approveFlow(code: created.code, email: "owner@example.com", workspaceName: "acme")
      }
      #expect(late?.code == .notFound)
      let expired = await rpcError {
        try await harness.call(
          ModalClientMethods.tokenFlowWait,
          TokenFlowWaitRequest(timeout: 1, tokenFlowID: created.tokenFlowID, waitSecret: created.waitSecret), as: nil)
      }
      #expect(expired?.code == .failedPrecondition)
      #expect(expired?.message.contains("expired") == true)
    }
  }

  @Test func expiresInSecondsBoundsTheNewTokensLife() async throws {
    try await withHarness { harness in
      let created = try await harness.call(ModalClientMethods.tokenFlowCreate, TokenFlowCreateRequest(expiresInSeconds: 3600), as: nil)
      try await harness.backend.approveFlow(code: created.code, email: "owner@example.com", workspaceName: "acme")
      let response = try await harness.call(
        ModalClientMethods.tokenFlowWait,
        TokenFlowWaitRequest(timeout: 5, tokenFlowID: created.tokenFlowID, waitSecret: created.waitSecret), as: nil)
      let token = try #require(try await harness.store.token(id: TokenID(rawValue: response.tokenID)))
      #expect(token.expiresAt == token.createdAt.adding(seconds: 3600))
    }
  }

  @Test func guessedAndMalformedCodesAreRejected() async throws {
    try await withHarness { harness in
      _ = try await harness.call(ModalClientMethods.tokenFlowCreate, TokenFlowCreateRequest(), as: nil)
      var rejected = 0
      for _ in 0..<50 {
        let guess = UserCode.generate()
        if let error = await serverError({
          try await harness.backend.approveFlow(code: guess, email: "owner@example.com", workspaceName: "acme")
        }), error.code == .notFound {
          rejected += 1
        }
      }
      #expect(rejected == 50)
      let malformed = await serverError {
        try await harness.backend.approveFlow(code: "AAAA-0000", email: "owner@example.com", workspaceName: "acme")
      }
      #expect(malformed?.code == .invalidArgument)
      let outsider = try await harness.backend.accounts.createUser(email: "out@example.com", password: nil)
      let created = try await harness.call(ModalClientMethods.tokenFlowCreate, TokenFlowCreateRequest(), as: nil)
      let notMember = await serverError {
        try await harness.backend.flows.approve(code: created.code, user: outsider, workspace: harness.workspace, by: .serverOperator)
      }
      #expect(notMember?.code == .permissionDenied)
    }
  }

  @Test func badFlowRequestsAreInvalidArguments() async throws {
    try await withHarness { harness in
      let redirect = await rpcError {
        try await harness.call(ModalClientMethods.tokenFlowCreate, TokenFlowCreateRequest(nextURL: "https://evil.example"), as: nil)
      }
      #expect(redirect?.code == .invalidArgument)
      let port = await rpcError {
        try await harness.call(ModalClientMethods.tokenFlowCreate, TokenFlowCreateRequest(localhostPort: 70000), as: nil)
      }
      #expect(port?.code == .invalidArgument)
    }
  }

  @Test func waitersWakeOnSignalAndNeverLoseOne() async {
    let waiters = FlowWaiters()
    // A signal between register and wait is not lost.
    let early = await waiters.register(flowID: "tf-1")
    await waiters.signal(flowID: "tf-1")
    #expect(await waiters.wait(early, timeout: .seconds(5)))
    // A timeout returns false; cancellation returns promptly.
    let late = await waiters.register(flowID: "tf-2")
    #expect(await waiters.wait(late, timeout: .milliseconds(20)) == false)
    let cancelled = Task {
      let ticket = await waiters.register(flowID: "tf-3")
      return await waiters.wait(ticket, timeout: .seconds(30))
    }
    try? await Task.sleep(for: .milliseconds(50))
    cancelled.cancel()
    #expect(await cancelled.value == false)
    #expect(await waiters.parkedCount == 0)
  }
}

/// Polls an async condition until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(5), _ condition: () async -> Bool) async -> Bool {
  let end = ContinuousClock.now + timeout
  while ContinuousClock.now < end {
    if await condition() { return true }
    try? await Task.sleep(for: .milliseconds(5))
  }
  return await condition()
}
