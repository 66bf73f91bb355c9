import Foundation
import ModalAPI
import ModalServer
import ProtoWire
import RPC
import Testing

@Suite struct ScopeRoleTests {
  @Test func scopesImplyWhatTheDocumentationSays() throws {
    #expect(ScopeSet.all.grants(.secretsWrite))
    let read = try ScopeSet(parsing: "read")
    #expect(read.grants(.secretsRead) && read.grants(.environmentsRead) && read.grants(.tokensRead))
    #expect(!read.grants(.secretsWrite) && !read.grants(.tokens) && !read.grants(.environmentsWrite))
    #expect(try ScopeSet(parsing: "secrets:write").grants(.secretsRead))
    #expect(try ScopeSet(parsing: "tokens").grants(.tokensRead))
    #expect(throws: ServerError.self) { try ScopeSet(parsing: "admin") }
    #expect(throws: ServerError.self) { try ScopeSet(parsing: " , ") }
  }

  @Test func aCallOutsideTheTokensScopesIsDeniedNamingTheScope() async throws {
    try await withHarness { harness in
      let readOnly = try await harness.ownerToken(scopes: try ScopeSet(parsing: "read"))
      _ = try await harness.call(ModalClientMethods.secretList, SecretListRequest(), as: readOnly)
      _ = try await harness.call(ModalClientMethods.environmentList, Empty(), as: readOnly)
      var create = SecretGetOrCreateRequest()
      create.deploymentName = "x"
      create.objectCreationType = .createIfMissing
      let denied = await rpcError { try await harness.call(ModalClientMethods.secretGetOrCreate, create, as: readOnly) }
      #expect(denied?.code == .permissionDenied)
      #expect(denied?.message.contains("'secrets:write'") == true)

      let secretsOnly = try await harness.ownerToken(scopes: try ScopeSet(parsing: "secrets:write"))
      _ = try await harness.call(ModalClientMethods.secretGetOrCreate, create, as: secretsOnly)
      _ = try await harness.call(ModalClientMethods.clientHello, Empty(), as: secretsOnly)  // always allowed
      _ = try await harness.call(ModalClientMethods.workspaceNameLookup, Empty(), as: secretsOnly)
      let noEnvironments = await rpcError { try await harness.call(ModalClientMethods.environmentList, Empty(), as: secretsOnly) }
      #expect(noEnvironments?.code == .permissionDenied)
      #expect(noEnvironments?.message.contains("'environments:read'") == true)
      let noTokens = await rpcError { try await harness.call(ModalClientMethods.tokensList, Empty(), as: secretsOnly) }
      #expect(noTokens?.message.contains("'tokens:read'") == true)
      let noDelete = await rpcError {
        try await harness.call(ModalClientMethods.tokenDelete, TokenDeleteRequest(tokenID: harness.owner.id), as: readOnly)
      }
      #expect(noDelete?.message.contains("'tokens'") == true)
      // Any token may revoke itself.
      _ = try await harness.call(ModalClientMethods.tokenDelete, TokenDeleteRequest(tokenID: readOnly.id), as: readOnly)
    }
  }

  @Test func membersReadManagersWriteAndManageEveryonesTokens() async throws {
    try await withHarness { harness in
      let member = try await harness.member("mia", role: .member)
      let manager = try await harness.member("max", role: .manager)
      var create = SecretGetOrCreateRequest()
      create.deploymentName = "shared"
      create.objectCreationType = .createFailIfExists
      create.envDict = ["K": "V"]
      let denied = await rpcError { try await harness.call(ModalClientMethods.secretGetOrCreate, create, as: member) }
      #expect(denied?.code == .permissionDenied)
      #expect(denied?.message.contains("needs the environment role contributor") == true)
      let created = try await harness.call(ModalClientMethods.secretGetOrCreate, create, as: manager)
      var lookup = SecretGetOrCreateRequest()
      lookup.deploymentName = "shared"
      #expect(try await harness.call(ModalClientMethods.secretGetOrCreate, lookup, as: member).secretID == created.secretID)
      let noEnv = await rpcError {
        try await harness.call(ModalClientMethods.environmentCreate, EnvironmentCreateRequest(name: "dev"), as: member)
      }
      #expect(noEnv?.code == .permissionDenied)
      _ = try await harness.call(ModalClientMethods.environmentCreate, EnvironmentCreateRequest(name: "dev"), as: manager)

      // Members see their own tokens; managers and owners see all and may revoke others'.
      #expect(try await harness.call(ModalClientMethods.tokensList, Empty(), as: member).tokens.map(\.tokenID) == [member.id])
      for viewer in [harness.owner, manager] {
        let all = try await harness.call(ModalClientMethods.tokensList, Empty(), as: viewer).tokens.map(\.tokenID)
        #expect(Set(all) == [harness.owner.id, member.id, manager.id])
      }
      let hidden = await rpcError {
        try await harness.call(ModalClientMethods.tokenDelete, TokenDeleteRequest(tokenID: manager.id), as: member)
      }
      #expect(hidden?.code == .notFound)
      _ = try await harness.call(ModalClientMethods.tokenDelete, TokenDeleteRequest(tokenID: member.id), as: manager)
      let gone = await rpcError { try await harness.call(ModalClientMethods.clientHello, Empty(), as: member) }
      #expect(gone?.code == .unauthenticated)
    }
  }

  @Test func anotherWorkspacesResourcesAreNotFound() async throws {
    try await withHarness { harness in
      var create = SecretGetOrCreateRequest()
      create.deploymentName = "private"
      create.objectCreationType = .createFailIfExists
      create.envDict = ["K": "V"]
      let secret = try await harness.call(ModalClientMethods.secretGetOrCreate, create, as: harness.owner)
      let other = try await harness.backend.accounts.bootstrap(email: "eve@example.com", workspaceName: "evil", password: nil)
      let eve = Credentials(id: other.token.id.rawValue, secret: other.token.secret)
      for error in [
        await rpcError { try await harness.call(ModalClientMethods.secretGetInfo, SecretGetInfoRequest(secretID: secret.secretID), as: eve) },
        await rpcError { try await harness.call(ModalClientMethods.secretDelete, SecretDeleteRequest(secretID: secret.secretID), as: eve) },
        await rpcError {
          try await harness.call(ModalClientMethods.secretUpdate, SecretUpdateRequest(secretID: secret.secretID), as: eve)
        },
        await rpcError {
          try await harness.call(ModalClientMethods.tokenDelete, TokenDeleteRequest(tokenID: harness.owner.id), as: eve)
        },
      ] {
        #expect(error?.code == .notFound)
      }
      var lookup = SecretGetOrCreateRequest()
      lookup.deploymentName = "private"
      let invisible = await rpcError { try await harness.call(ModalClientMethods.secretGetOrCreate, lookup, as: eve) }
      #expect(invisible?.code == .notFound)
      #expect(try await harness.call(ModalClientMethods.secretList, SecretListRequest(), as: eve).items.isEmpty)
      // The secret is still there for its owner.
      _ = try await harness.call(ModalClientMethods.secretGetInfo, SecretGetInfoRequest(secretID: secret.secretID), as: harness.owner)
    }
  }

  @Test func serviceUserTokensActWithTheServiceUsersRole() async throws {
    try await withHarness { harness in
      let robot = try await harness.backend.accounts.createServiceUser(
        name: "ci", role: .manager, workspace: harness.workspace, createdBy: harness.ownerUser)
      let token = try await harness.backend.tokens.issue(
        workspaceID: harness.workspace.id, owner: .serviceUser(id: robot.id), createdByUserID: harness.ownerUser.id, name: "ci",
        scopes: .all, lifetimeSeconds: nil, by: .serverOperator)
      let credentials = Credentials(id: token.id.rawValue, secret: token.secret)
      let info = try await harness.call(ModalClientMethods.tokenInfoGet, TokenInfoGetRequest(), as: credentials)
      #expect(info.serviceUserIdentity?.serviceUserName == "ci")
      #expect(info.serviceUserIdentity?.createdBy?.userID == harness.ownerUser.id.rawValue)
      _ = try await harness.call(ModalClientMethods.environmentCreate, EnvironmentCreateRequest(name: "ci-env"), as: credentials)
      let member = try await harness.backend.accounts.createUser(email: "m@example.com", password: nil)
      try await harness.backend.accounts.setMembership(user: member, workspace: harness.workspace, role: .manager, by: .serverOperator)
      let notOwner = await serverError {
        try await harness.backend.accounts.createServiceUser(name: "x", role: .member, workspace: harness.workspace, createdBy: member)
      }
      #expect(notOwner?.code == .permissionDenied)
    }
  }
}
