import Foundation
import ModalAPI
import ModalServer
import RPC
import Testing
import TestSupport

/// The audit log through the services and the `AuditLog*` RPCs of an in-process server.
struct AuditLogTests {
  private func entries(_ harness: Harness) async throws -> [AuditEntry] {
    var query = AuditQuery(workspaceID: harness.workspace.id)
    query.oldestFirst = true
    query.limit = 1000
    return try await harness.store.auditEntries(query)
  }

  @Test func everyChangeIsRecordedOnceInOrderWithItsActor() async throws {
    try await withHarness { harness in
      let owner = harness.owner
      let created = try await harness.call(
        ModalClientMethods.secretGetOrCreate,
        SecretGetOrCreateRequest(deploymentName: "db", objectCreationType: .createFailIfExists, envDict: ["PASSWORD": "hunter2"]),
        as: owner)
      var update = SecretUpdateRequest(secretID: created.secretID)
      update.updates = [SecretUpdateRequest.Update(key: "USER", value: "admin-value")]
      _ = try await harness.call(ModalClientMethods.secretUpdate, update, as: owner)
      _ = try await harness.call(ModalClientMethods.secretDelete, SecretDeleteRequest(secretID: created.secretID), as: owner)

      let accounts = harness.backend.accounts
      let alice = try await accounts.createUser(email: "alice@example.com", password: nil)
      let web = AuditActor.webUser(harness.ownerUser, peer: "203.0.113.9")
      try await accounts.setMembership(user: alice, workspace: harness.workspace, role: .member, by: web)
      try await accounts.setMembership(user: alice, workspace: harness.workspace, role: .member, by: web)  // no change
      try await accounts.changeRole(of: alice, in: harness.workspace, to: .manager, by: web)
      let issued = try await harness.backend.tokens.issue(
        workspaceID: harness.workspace.id, owner: .user(id: alice.id), createdByUserID: alice.id, name: "laptop",
        scopes: .all, lifetimeSeconds: nil, by: web)
      _ = try await harness.call(ModalClientMethods.tokenDelete, TokenDeleteRequest(tokenID: issued.id.rawValue), as: owner)
      _ = try await harness.call(ModalClientMethods.tokenDelete, TokenDeleteRequest(tokenID: issued.id.rawValue), as: owner)
      try await accounts.removeMember(alice, from: harness.workspace, by: web)
      // The owner's token has been calling from 127.0.0.1; another address is news, once.
      for _ in 0..<3 {
        _ = try await harness.backend.tokens.authenticate(id: owner.id, secret: owner.secret, peer: "ipv4:198.51.100.7:4000")
      }

      let log = try await entries(harness)
      #expect(
        log.map(\.action.rawValue) == [
          "secret.created", "secret.updated", "secret.deleted", "member.added", "member.role_changed", "token.created",
          "token.revoked", "member.removed", "token.used_from_new_address",
        ])
      #expect(log.map(\.sequence) == log.map(\.sequence).sorted() && Set(log.map(\.sequence)).count == log.count)
      #expect(log.allSatisfy { $0.outcome == .success && $0.workspaceID == harness.workspace.id })
      let viaAPI = log.filter { ["secret.created", "secret.updated", "secret.deleted", "token.revoked"].contains($0.action.rawValue) }
      for entry in viaAPI {
        #expect(entry.actor.kind == .user && entry.actor.name == "owner@example.com")
        #expect(entry.actor.tokenID?.rawValue == owner.id && entry.actor.address == "127.0.0.1" && entry.actor.source == "sdk")
      }
      #expect(log[0].target.name == "db" && log[0].detail["environment"] == "main")
      for entry in log where entry.action.rawValue.hasPrefix("member.") || entry.action == .tokenCreated {
        #expect(entry.actor.address == "203.0.113.9" && entry.actor.source == "web" && entry.actor.tokenID == nil)
      }
      #expect(log[3].target.name == "alice@example.com" && log[4].detail["role"] == "manager")
      #expect(log[6].target.id == issued.id.rawValue && log[6].target.name == "laptop")
      #expect(log[8].actor.address == "198.51.100.7" && log[8].target.id == owner.id)
      // Names only: never a value, a token secret or a hash.
      let exported = log.map(\.jsonLine).joined(separator: "\n")
      for secret in ["hunter2", "admin-value", owner.secret, issued.secret, issued.record.secretHash] {
        #expect(!exported.contains(secret))
      }
    }
  }

  @Test func aLoginFlowRecordsTheApprovalAndTheToken() async throws {
    try await withHarness { harness in
      let created = try await harness.call(
        ModalClientMethods.tokenFlowCreate, TokenFlowCreateRequest(utmSource: "test", localhostPort: 0, nextURL: ""), as: nil)
      try await harness.backend.approveFlow(code: created.code, email: "owner@example.com", workspaceName: "acme")
      let response = try await harness.call(
        ModalClientMethods.tokenFlowWait,
        TokenFlowWaitRequest(timeout: 5, tokenFlowID: created.tokenFlowID, waitSecret: created.waitSecret), as: nil)
      let log = try await entries(harness)
      #expect(log.map(\.action) == [.loginApproved, .tokenCreated])
      #expect(log[0].actor == .serverOperator && log[0].target.id == created.tokenFlowID)
      #expect(log[0].detail["for_user"] == "owner@example.com")
      #expect(log[1].target.id == response.tokenID && log[1].actor.name == "owner@example.com")
      #expect(log[1].actor.address == "127.0.0.1")
    }
  }

  @Test func theListPagesThroughEveryEntryWithFilters() async throws {
    try await withHarness { harness in
      for index in 0..<7 {
        _ = try await harness.call(
          ModalClientMethods.secretGetOrCreate,
          SecretGetOrCreateRequest(deploymentName: "s\(index)", objectCreationType: .createFailIfExists, envDict: ["K": "v"]),
          as: harness.owner)
        harness.clock.advance(seconds: 10)
      }
      var request = AuditLogListRequest(limit: 3)
      var names: [String] = []
      var pages = 0
      while true {
        let page = try await harness.call(ModalClientMethods.auditLogList, request, as: harness.owner)
        pages += 1
        names += page.items.compactMap { try? JSONSerialization.jsonObject(with: Data($0.metadataJson.utf8)) as? [String: String] }
          .compactMap { $0["target_name"] }
        guard let next = page.nextCursor else { break }
        request.newestCursor = next
      }
      #expect(names == (0..<7).reversed().map { "s\($0)" })
      #expect(pages == 3)

      let first = try await harness.call(ModalClientMethods.auditLogList, AuditLogListRequest(limit: 1), as: harness.owner)
      let item = try #require(first.items.first)
      #expect(item.action == "secret.created" && item.status == "success")
      #expect(item.actor?.type == "user" && item.actor?.email == "owner@example.com")
      #expect(item.context?.source == "sdk" && item.context?.ipAddress == "127.0.0.1")
      #expect(item.context?.workspaceID == harness.workspace.id.rawValue && item.targets.first?.type == "secret")

      let count = { (q: String, oldest: Int64) async throws -> Int64 in
        try await harness.call(ModalClientMethods.auditLogCount, AuditLogCountRequest(q: q, oldestMs: oldest), as: harness.owner).count
      }
      #expect(try await count("action:secret.created", 0) == 7)
      #expect(try await count("action:secret.*", 0) == 7)
      #expect(try await count("action:token.created", 0) == 0)
      #expect(try await count("actor:owner@example.com", 0) == 7)
      #expect(try await count("actor:someone@example.com", 0) == 0)
      let laterMs = (harness.clock.now.microseconds - 25_000_000) / 1000
      #expect(try await count("", laterMs) == 2)
      let bad = await rpcError { try await count("who:me", 0) }
      #expect(bad?.code == .invalidArgument && bad?.message.contains("action:NAME") == true)

      let plan = try await harness.call(ModalClientMethods.auditLogPlan, AuditLogBucketsRequest(bucketSize: 3), as: harness.owner)
      #expect(plan.cursors.count == 2)
      let settings = try await harness.call(ModalClientMethods.auditLogSettingsGet, AuditLogSettingsGetRequest(), as: harness.owner)
      #expect(settings.pageSize == UInt32(AuditService.defaultPageSize))
    }
  }

  @Test func onlyManagersAndOwnersReadTheLog() async throws {
    try await withHarness { harness in
      let member = try await harness.member("mia", role: .member)
      let refused = await rpcError { try await harness.call(ModalClientMethods.auditLogList, AuditLogListRequest(), as: member) }
      #expect(refused?.code == .permissionDenied && refused?.message.contains("manager") == true)
      let counted = await rpcError { try await harness.call(ModalClientMethods.auditLogCount, AuditLogCountRequest(), as: member) }
      #expect(counted?.code == .permissionDenied)
      let manager = try await harness.member("max", role: .manager)
      let page = try await harness.call(ModalClientMethods.auditLogList, AuditLogListRequest(), as: manager)
      // The operator added both members and created their tokens.
      #expect(page.items.map(\.action) == ["token.created", "member.added", "token.created", "member.added"])
    }
  }

  @Test func entriesPastTheRetentionArePruned() async throws {
    var settings = ServerSettings(publicURL: "http://127.0.0.1:9")
    settings.auditRetention = 3600
    try await withHarness(settings: settings) { harness in
      _ = try await harness.member("old", role: .member)
      harness.clock.advance(seconds: 7200)
      _ = try await harness.member("new", role: .member)
      try await harness.backend.maintenance()
      let log = try await entries(harness)
      #expect(log.map(\.target.name).contains("new@example.com"))
      #expect(!log.map(\.target.name).contains("old@example.com"))
      #expect(log.count == 2)
    }
  }

  @Test func failedSignInsAreCoalescedPerAddress() async throws {
    try await withHarness { harness in
      for _ in 0..<40 {
        try await harness.backend.audit.signInFailed(
          account: "owner@example.com", user: harness.ownerUser, peer: "192.0.2.7", reason: "wrong password")
      }
      try await harness.backend.audit.signInFailed(account: "x@example.com", user: nil, peer: "192.0.2.8", reason: "unknown account")
      let log = try await entries(harness)
      let owners = log.filter { $0.actor.address == "192.0.2.7" }
      #expect(owners.count == harness.backend.dependencies.settings.auditFailuresPerMinute)
      #expect(owners.map(\.count).reduce(0, +) == 40)
      #expect(owners.allSatisfy { $0.outcome == .error && $0.action == .signInFailed && $0.subjectUserID == harness.ownerUser.id })
      // An account that does not exist is not named (it may be a password typed in the wrong field);
      // its entry belongs to no workspace.
      let all = try await harness.store.auditEntries(AuditQuery(workspaceID: nil))
      let unknown = try #require(all.first { $0.actor.address == "192.0.2.8" })
      #expect(unknown.actor.name == "" && unknown.target.name == "(unknown account)" && !unknown.jsonLine.contains("x@example.com"))
      #expect(!log.contains { $0.actor.address == "192.0.2.8" })
    }
  }
}
