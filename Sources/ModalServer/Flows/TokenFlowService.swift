import Foundation

/// The browser login flow behind `modal token new` / `modal setup`, after RFC 8628: the CLI
/// creates a flow and long-polls it; a signed-in user approves it by its code; the waiting call
/// then mints the token and returns it, once.
///
/// No token exists before the waiting call collects it, so no token secret is ever stored, and
/// approval (a store update) can happen in any process or replica.
package struct TokenFlowService: Sendable {
  let dependencies: Dependencies
  /// Parked `TokenFlowWait` calls of this process.
  package let waiters: FlowWaiters
  /// Bounds the flows one address starts per minute.
  let starts: FlowStartLimiter

  /// How often a parked `TokenFlowWait` looks at its flow even without a notice, so a lost notice
  /// (a database connection dropped at the wrong moment) only delays the answer.
  static let recheckInterval: Duration = .seconds(5)

  /// Creates the service; the waiters wake on the store's flow events, whichever process or
  /// replica approved the flow.
  package init(dependencies: Dependencies, waiters: FlowWaiters = FlowWaiters()) {
    self.dependencies = dependencies
    self.waiters = waiters
    starts = FlowStartLimiter(perMinute: dependencies.settings.flowStartsPerMinutePerAddress)
    dependencies.store.events.subscribe { event in
      switch event {
      case .flowChanged(let id): Task { await waiters.signal(flowID: id) }
      case .resynchronize: Task { await waiters.signalAll() }
      case .credentialsChanged: break
      }
    }
  }

  /// What `TokenFlowCreate` returns.
  package struct Created: Sendable {
    /// `tf-` + 22 base62.
    package let flowID: FlowID
    /// The user code as shown, `XXXX-XXXX`.
    package let code: String
    /// The secret the waiting CLI must present; never in a URL, never stored in clear.
    package let waitSecret: String
    /// The approval page: `<public-url>/flow/<code>`.
    package let webURL: String
  }

  /// What a `TokenFlowWait` ends with.
  package enum WaitOutcome: Sendable {
    /// Approved: the new token and its workspace's name.
    case approved(IssuedToken, workspaceName: String)
    /// Still pending when the wait's time ran out.
    case timedOut
  }

  /// Starts a flow. `node` and `peer` describe the requesting machine for the approval page.
  package func create(
    utmSource: String, localhostPort: Int32, nextURL: String, expiresInSeconds: UInt32, node: String, peer: String
  ) async throws(ServerError) -> Created {
    guard utmSource.count <= 100 else {
      throw ServerError(.invalidArgument, "utm_source is longer than 100 characters.")
    }
    guard nextURL.isEmpty || (nextURL.hasPrefix("/") && !nextURL.hasPrefix("//") && nextURL.count <= 2048) else {
      throw ServerError(.invalidArgument, "next_url must be a path on this server, like /home.")
    }
    guard (0...65535).contains(localhostPort) else {
      throw ServerError(.invalidArgument, "localhost_port must be a TCP port (0-65535).")
    }
    let now = dependencies.clock.now()
    guard starts.admit(peer: peer, now: now) else {
      dependencies.metrics.rateLimited.add("login_flow_start")
      throw ServerError(
        .resourceExhausted,
        "Too many logins were started from your address in the last minute. Wait a minute, then run `modal token new` again."
      )
    }
    let waitSecret = "fw-" + RandomText.base62(count: 32)
    let (hash, keyID) = SecretHasher(keys: dependencies.keys).hash(waitSecret)
    let flowID = FlowID.random()
    for _ in 0..<8 {
      let code = UserCode.generate()
      let flow = TokenFlowRecord(
        id: flowID, code: code, waitSecretHash: hash, hashKeyID: keyID, createdAt: now,
        expiresAt: now.adding(seconds: dependencies.settings.flowLifetime),
        tokenLifetimeSeconds: expiresInSeconds > 0 ? Int64(expiresInSeconds) : nil, localhostPort: localhostPort,
        utmSource: utmSource, nextURL: nextURL, requestingNode: String(node.prefix(64)),
        requestingPeer: String(peer.prefix(128)))
      do {
        try await dependencies.store.insertFlow(flow)
        dependencies.metrics.flowsStarted.add()
      } catch where error.code == .alreadyExists {
        continue  // the code collided with another pending flow's: draw again
      }
      let display = UserCode.display(code)
      return Created(
        flowID: flowID, code: display, waitSecret: waitSecret,
        webURL: dependencies.settings.publicURL + "/flow/" + display)
    }
    throw ServerError(.unavailable, "Could not find a free login code; retry.")
  }

  /// The answer for an unknown flow id and a wrong wait secret alike.
  package static let unknownFlowMessage = "Unknown token flow, or wrong wait secret. Run `modal token new` again."

  /// Waits up to `timeout` for the flow to be approved, then mints its token (once).
  package func wait(flowID: FlowID, waitSecret: String, timeout: Duration) async throws(ServerError) -> WaitOutcome {
    let store = dependencies.store
    guard flowID.rawValue.hasPrefix("tf-"), flowID.rawValue.count <= 64,
      let first = try await store.flow(id: flowID),
      SecretHasher(keys: dependencies.keys).matches(
        waitSecret, storedHash: first.waitSecretHash, keyID: first.hashKeyID)
    else {
      throw ServerError(.notFound, Self.unknownFlowMessage)
    }
    let deadline = ContinuousClock.now + timeout
    while true {
      let ticket = await waiters.register(flowID: flowID)
      let flow: TokenFlowRecord?
      do {
        flow = try await store.flow(id: flowID)
      } catch {
        await waiters.cancel(ticket)
        throw error
      }
      guard let flow else {
        await waiters.cancel(ticket)
        throw ServerError(.notFound, Self.unknownFlowMessage)
      }
      switch flow.state {
      case .consumed:
        await waiters.cancel(ticket)
        throw ServerError(.failedPrecondition, "This login flow was already used. Run `modal token new` again.")
      case .approved:
        await waiters.cancel(ticket)
        return try await mint(flow)
      case .pending:
        let now = dependencies.clock.now()
        if flow.expiresAt <= now {
          await waiters.cancel(ticket)
          dependencies.metrics.flowsExpired.add()
          throw ServerError(
            .failedPrecondition,
            "This login flow expired at \(flow.expiresAt) before it was approved. Run `modal token new` again.")
        }
        let untilExpiry = Duration.microseconds(flow.expiresAt.microseconds - now.microseconds)
        let remaining = min(deadline - ContinuousClock.now, untilExpiry)
        if remaining <= .zero {
          await waiters.cancel(ticket)
          return .timedOut
        }
        _ = await waiters.wait(ticket, timeout: min(remaining, Self.recheckInterval))
        if Task.isCancelled { return .timedOut }
      }
    }
  }

  /// Turns an approved flow into a token, once (the store decides races between replicas).
  private func mint(_ flow: TokenFlowRecord) async throws(ServerError) -> WaitOutcome {
    guard let userID = flow.approvedByUserID, let workspaceID = flow.approvedWorkspaceID else {
      throw ServerError(.internal, "Approved flow \(flow.id) has no approver.")
    }
    let store = dependencies.store
    guard let workspace = try await store.workspace(id: workspaceID) else {
      throw ServerError(.notFound, "The workspace this flow was approved for no longer exists.")
    }
    let name = flow.requestingNode.isEmpty ? "modal token new" : "modal token new (\(flow.requestingNode))"
    let issued = try TokenService(dependencies: dependencies).makeToken(
      workspaceID: workspaceID, owner: .user(id: userID), createdByUserID: userID, name: name, scopes: .all,
      lifetimeSeconds: flow.tokenLifetimeSeconds)
    try await dependencies.checkTokenQuota(workspaceID)
    // The approver created it; the call that collects it comes from the command line's address.
    let approver = try await store.user(id: userID)
    let actor = AuditActor(
      kind: .user, id: userID.rawValue, name: approver?.email ?? "",
      address: FlowStartLimiter.address(of: flow.requestingPeer), source: "sdk")
    let entry = TokenService.createdEntry(issued.record, by: actor)
    switch try await store.consumeFlow(id: flow.id, token: issued.record, at: dependencies.clock.now(), audit: entry) {
    case .consumed:
      dependencies.metrics.tokensMinted.add()
      return .approved(issued, workspaceName: workspace.name)
    case .notApproved:
      throw ServerError(.failedPrecondition, "This login flow was already used. Run `modal token new` again.")
    case .approverNotMember:
      throw ServerError(
        .permissionDenied,
        "The account that approved this login is no longer a member of workspace '\(workspace.name)'. "
          + "Ask an owner of the workspace to add it again, then run `modal token new` again.")
    }
  }

  /// Approves the pending flow with `code` for `user` in `workspace`; wakes its waiting call at
  /// once. Throws `notFound` for a wrong, expired or used code (the same text for each). `actor`
  /// is who approved, for the audit log (the user in the dashboard, or the operator).
  @discardableResult
  package func approve(code: String, user: User, workspace: Workspace, by actor: AuditActor) async throws(ServerError)
    -> TokenFlowRecord
  {
    guard let normalized = UserCode.normalize(code) else {
      throw ServerError(.invalidArgument, "A login code is 8 letters, like WDJB-MJHT.")
    }
    let store = dependencies.store
    let role = try await store.membership(workspaceID: workspace.id, userID: user.id)?.role
    guard role != nil else {
      throw ServerError(.permissionDenied, "\(user.email) is not a member of workspace '\(workspace.name)'.")
    }
    let now = dependencies.clock.now()
    let notPending = ServerError(
      .notFound,
      "No pending login flow has the code \(UserCode.display(normalized)). Codes work once and expire after "
        + "\(dependencies.settings.flowLifetime / 60) minutes; check it, or run `modal token new` again.")
    guard let flow = try await store.pendingFlow(code: normalized, now: now) else {
      throw notPending
    }
    let entry = AuditEntry(
      .loginApproved, by: actor, target: AuditTarget(kind: "flow", id: flow.id.rawValue, name: flow.requestingNode),
      workspaceID: workspace.id, at: now,
      detail: ["requested_from": FlowStartLimiter.address(of: flow.requestingPeer), "for_user": user.email])
    guard try await store.approveFlow(id: flow.id, userID: user.id, workspaceID: workspace.id, at: now, audit: entry)
    else {
      throw notPending
    }
    dependencies.metrics.flowsApproved.add()
    await waiters.signal(flowID: flow.id)
    var approved = flow
    approved.state = .approved
    approved.approvedByUserID = user.id
    approved.approvedWorkspaceID = workspace.id
    approved.approvedAt = now
    return approved
  }
}

/// Look-ups for the dashboard's code entry and approval pages.
extension TokenFlowService {
  /// The pending, unexpired flow with this (normalized) code, or `nil`.
  package func pendingFlow(code: String) async throws(ServerError) -> TokenFlowRecord? {
    try await dependencies.store.pendingFlow(code: code, now: dependencies.clock.now())
  }

  /// The newest flow with this (normalized) code in any state, or `nil`: for telling an expired or
  /// used code from an unknown one.
  package func newestFlow(code: String) async throws(ServerError) -> TokenFlowRecord? {
    try await dependencies.store.newestFlow(code: code)
  }
}
