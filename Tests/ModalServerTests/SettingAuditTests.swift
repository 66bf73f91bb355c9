import Foundation
import ModalAPI
import ModalServer
import ProtoWire
import RPC
import Testing
import TestSupport

/// Workspace settings changes are audited (`workspace.setting_changed`), once per real change.
@Suite struct SettingAuditTests {
  @Test func theDefaultEnvironmentChangeIsAuditedOnce() async throws {
    try await withHarness { harness in
      _ = try await harness.call(ModalClientMethods.environmentCreate, EnvironmentCreateRequest(name: "dev"), as: harness.owner)
      let set = { (name: String) in
        _ = try await harness.call(
          ModalClientMethods.workspaceSetDefaultEnvironment, WorkspaceSetDefaultEnvironmentRequest(environmentName: name),
          as: harness.owner)
      }
      try await set("dev")
      try await set("dev")  // no change, no entry
      try await set("main")
      let member = try await harness.member("mia", role: .member)
      let refused = await rpcError {
        try await harness.call(
          ModalClientMethods.workspaceSetDefaultEnvironment, WorkspaceSetDefaultEnvironmentRequest(environmentName: "dev"),
          as: member)
      }
      #expect(refused?.code == .permissionDenied)
      var query = AuditQuery(workspaceID: harness.workspace.id)
      query.actions = ["workspace.*"]
      query.oldestFirst = true
      let entries = try await harness.store.auditEntries(query)
      #expect(entries.map { [$0.detail["setting"], $0.detail["from"], $0.detail["to"]] } == [
        ["default-environment", "main", "dev"], ["default-environment", "dev", "main"],
      ])
      #expect(entries.allSatisfy { $0.action.rawValue == "workspace.setting_changed" && $0.actor.tokenID?.rawValue == harness.owner.id })
    }
  }
}
