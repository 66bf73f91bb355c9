import Foundation
import ModalAPI
import ModalServer
import ProtoWire
import RPC
import Testing

@Suite struct APITests {
  @Test func identityMethods() async throws {
    try await withHarness { harness in
      let hello = try await harness.call(ModalClientMethods.clientHello, Empty(), as: harness.owner)
      #expect(hello.warning.isEmpty)
      let info = try await harness.call(ModalClientMethods.tokenInfoGet, TokenInfoGetRequest(), as: harness.owner)
      #expect(info.tokenID == harness.owner.id)
      #expect(info.workspaceName == "acme")
      #expect(info.workspaceID == harness.workspace.id.rawValue)
      #expect(info.tokenName == "bootstrap")
      #expect(info.userIdentity == UserIdentity(userID: harness.ownerUser.id.rawValue, username: "owner@example.com"))
      #expect(info.createdAt != nil && info.expiresAt == nil)
      let lookup = try await harness.call(ModalClientMethods.workspaceNameLookup, Empty(), as: harness.owner)
      #expect(lookup.username == "acme" && lookup.workspaceName == "acme")
      let tokens = try await harness.call(ModalClientMethods.tokensList, Empty(), as: harness.owner)
      #expect(tokens.tokens.map(\.tokenID) == [harness.owner.id])
      #expect(tokens.tokens[0].memberDisplayname == "owner@example.com")
      #expect(tokens.tokens[0].disabled == false)
      let isInfoLine = { (line: String) in line.contains("/modal.client.ModalClient/TokenInfoGet OK") && line.contains(harness.owner.id) }
      let lines = await harness.log.lines { $0.contains(where: isInfoLine) }
      #expect(lines.contains(where: isInfoLine))
      #expect(!lines.contains { $0.contains(harness.owner.secret) })
    }
  }

  @Test func expiringTokensGetAWarningTrailer() async throws {
    try await withHarness { harness in
      let soon = try await harness.ownerToken(scopes: .all, lifetime: 3 * 86_400)
      let response = try await harness.channel.unary(path: ModalClientMethods.clientHello.path, request: [], metadata: soon.metadata)
      let warning = try #require(response.trailingMetadata["x-modal-warning"])
      #expect(warning.removingPercentEncoding?.contains("Your token \(soon.id) expires at") == true)
      #expect(warning.removingPercentEncoding?.contains("(in about 3 days)") == true, "\(warning)")
      for (lifetime, phrase) in [(3_600, "1 hour"), (1_800, "30 minutes"), (20, "1 minute"), (30 * 3_600, "30 hours")] {
        let token = try await harness.ownerToken(scopes: .all, lifetime: Int64(lifetime))
        let reply = try await harness.channel.unary(path: ModalClientMethods.clientHello.path, request: [], metadata: token.metadata)
        let text = reply.trailingMetadata["x-modal-warning"]?.removingPercentEncoding ?? ""
        #expect(text.contains("(in about \(phrase))"), "\(lifetime) s: \(text)")
      }
      let later = try await harness.channel.unary(path: ModalClientMethods.clientHello.path, request: [], metadata: harness.owner.metadata)
      #expect(later.trailingMetadata["x-modal-warning"] == nil)
    }
  }

  @Test func environmentMethods() async throws {
    try await withHarness { harness in
      let owner = harness.owner
      var list = try await harness.call(ModalClientMethods.environmentList, Empty(), as: owner)
      #expect(list.items.map(\.name) == ["main"])
      #expect(list.items[0].default)
      _ = try await harness.call(ModalClientMethods.environmentCreate, EnvironmentCreateRequest(name: "dev"), as: owner)
      let duplicate = await rpcError {
        try await harness.call(ModalClientMethods.environmentCreate, EnvironmentCreateRequest(name: "dev"), as: owner)
      }
      #expect(duplicate?.code == .alreadyExists)
      let invalid = await rpcError {
        try await harness.call(ModalClientMethods.environmentCreate, EnvironmentCreateRequest(name: "en-x"), as: owner)
      }
      #expect(invalid?.code == .invalidArgument)
      #expect(
        invalid?.message
          == "Invalid Environment name: 'en-x'.\n\nEnvironment names must be 1-64 characters, can only start with "
          + "alphanumeric characters, may contain only alphanumeric characters, dashes, and underscores, and cannot start with 'en-'.")

      let byDefault = try await harness.call(ModalClientMethods.environmentGetOrCreate, EnvironmentGetOrCreateRequest(), as: owner)
      #expect(byDefault.metadata?.name == "main")
      let dev = try await harness.call(
        ModalClientMethods.environmentGetOrCreate, EnvironmentGetOrCreateRequest(deploymentName: "dev"), as: owner)
      #expect(dev.environmentID.hasPrefix("en-"))
      let missing = await rpcError {
        try await harness.call(
          ModalClientMethods.environmentGetOrCreate, EnvironmentGetOrCreateRequest(deploymentName: "nope"), as: owner)
      }
      #expect(missing?.code == .notFound)
      let made = try await harness.call(
        ModalClientMethods.environmentGetOrCreate,
        EnvironmentGetOrCreateRequest(deploymentName: "qa", objectCreationType: .createIfMissing), as: owner)
      #expect(made.metadata?.name == "qa")

      var update = EnvironmentUpdateRequest()
      update.currentName = "qa"
      update.name = StringValue("staging")
      update.webSuffix = StringValue("stg")
      let updated = try await harness.call(ModalClientMethods.environmentUpdate, update, as: owner)
      #expect(updated.name == "staging" && updated.webhookSuffix == "stg" && updated.environmentID == made.environmentID)
      var tasks = EnvironmentUpdateRequest()
      tasks.currentName = "staging"
      tasks.maxConcurrentTasks = 3
      #expect(await rpcError { try await harness.call(ModalClientMethods.environmentUpdate, tasks, as: owner) }?.code == .unimplemented)

      _ = try await harness.call(ModalClientMethods.environmentDelete, EnvironmentDeleteRequest(name: "staging"), as: owner)
      let mainDelete = await rpcError {
        try await harness.call(ModalClientMethods.environmentDelete, EnvironmentDeleteRequest(name: "main"), as: owner)
      }
      #expect(mainDelete?.code == .failedPrecondition)
      list = try await harness.call(ModalClientMethods.environmentList, Empty(), as: owner)
      #expect(list.items.map(\.name) == ["main", "dev"])
    }
  }

  @Test func secretGetOrCreateInEveryMode() async throws {
    try await withHarness { harness in
      let owner = harness.owner
      func request(_ name: String, _ type: ObjectCreationType, _ values: [String: String] = [:], required: [String] = [])
        -> SecretGetOrCreateRequest
      {
        SecretGetOrCreateRequest(deploymentName: name, objectCreationType: type, envDict: values, requiredKeys: required)
      }
      let missing = await rpcError { try await harness.call(ModalClientMethods.secretGetOrCreate, request("db", .unspecified), as: owner) }
      #expect(missing?.code == .notFound)
      let created = try await harness.call(
        ModalClientMethods.secretGetOrCreate, request("db", .createFailIfExists, ["USER": "u", "PASSWORD": "p"]), as: owner)
      #expect(created.secretID.hasPrefix("st-"))
      #expect(created.metadata?.keys == ["PASSWORD", "USER"])
      #expect(created.metadata?.creationInfo?.createdBy == "owner@example.com")
      #expect(created.metadata?.environmentName == "main")
      let again = await rpcError {
        try await harness.call(ModalClientMethods.secretGetOrCreate, request("db", .createFailIfExists, ["A": "1"]), as: owner)
      }
      #expect(again?.code == .alreadyExists)
      let kept = try await harness.call(ModalClientMethods.secretGetOrCreate, request("db", .createIfMissing, ["A": "1"]), as: owner)
      #expect(kept.secretID == created.secretID && kept.metadata?.keys == ["PASSWORD", "USER"])
      let replaced = try await harness.call(
        ModalClientMethods.secretGetOrCreate, request("db", .createOverwriteIfExists, ["TOKEN": "t"]), as: owner)
      #expect(replaced.secretID == created.secretID && replaced.metadata?.keys == ["TOKEN"])
      let lookedUp = try await harness.call(ModalClientMethods.secretGetOrCreate, request("db", .unspecified, required: ["TOKEN"]), as: owner)
      #expect(lookedUp.secretID == created.secretID)
      let lacking = await rpcError {
        try await harness.call(ModalClientMethods.secretGetOrCreate, request("db", .unspecified, required: ["TOKEN", "OTHER"]), as: owner)
      }
      #expect(lacking?.code == .failedPrecondition)
      #expect(lacking?.message.hasPrefix("Secret is missing key 'OTHER'") == true)
      let ephemeral = try await harness.call(ModalClientMethods.secretGetOrCreate, request("", .ephemeral, ["E": "1"]), as: owner)
      #expect(ephemeral.secretID != created.secretID && ephemeral.metadata?.name == "")
      let appOwned = await rpcError {
        try await harness.call(ModalClientMethods.secretGetOrCreate, request("", .anonymousOwnedByApp), as: owner)
      }
      #expect(appOwned?.code == .unimplemented)
      let badName = await rpcError {
        try await harness.call(ModalClientMethods.secretGetOrCreate, request("bad name", .createIfMissing, ["A": "1"]), as: owner)
      }
      #expect(
        badName?.message
          == "Invalid Secret name: 'bad name'.\n\nNames may contain only alphanumeric characters, dashes, periods, and "
          + "underscores, must be shorter than 64 characters, and cannot conflict with App ID strings.")
      let badKey = await rpcError {
        try await harness.call(ModalClientMethods.secretGetOrCreate, request("k", .createIfMissing, ["A=B": "1"]), as: owner)
      }
      #expect(badKey?.code == .invalidArgument)
      let otherEnvironment = await rpcError {
        var inMissing = request("db", .unspecified)
        inMissing.environmentName = "nowhere"
        return try await harness.call(ModalClientMethods.secretGetOrCreate, inMissing, as: owner)
      }
      #expect(otherEnvironment?.code == .notFound)
    }
  }

  @Test func secretValuesAreEncryptedAtRestAndUpdatable() async throws {
    try await withHarness { harness in
      let created = try await harness.call(
        ModalClientMethods.secretGetOrCreate,
        SecretGetOrCreateRequest(deploymentName: "api", objectCreationType: .createFailIfExists, envDict: ["KEY": "plain-value-123"]),
        as: harness.owner)
      var update = SecretUpdateRequest(secretID: created.secretID)
      update.updates = [SecretUpdateRequest.Update(key: "NEW", value: "v"), SecretUpdateRequest.Update(key: "KEY", value: nil)]
      _ = try await harness.call(ModalClientMethods.secretUpdate, update, as: harness.owner)
      let info = try await harness.call(ModalClientMethods.secretGetInfo, SecretGetInfoRequest(secretID: created.secretID), as: harness.owner)
      #expect(info.metadata?.keys == ["NEW"])
      let sealed = try #require(try await harness.store.secretValues(id: SecretID(rawValue: created.secretID)))
      #expect(try SecretValues.open(sealed, keys: harness.backend.dependencies.keys) == ["NEW": "v"])
      await harness.store.close()
      let bytes = try Data(contentsOf: URL(fileURLWithPath: harness.store.path))
      #expect(bytes.range(of: Data("plain-value-123".utf8)) == nil)
      _ = try await harness.call(ModalClientMethods.secretDelete, SecretDeleteRequest(secretID: created.secretID), as: harness.owner)
      let gone = await rpcError {
        try await harness.call(ModalClientMethods.secretGetInfo, SecretGetInfoRequest(secretID: created.secretID), as: harness.owner)
      }
      #expect(gone?.code == .notFound)
    }
  }

  @Test func secretListPagesLikeThePythonClient() async throws {
    try await withHarness { harness in
      for index in 0..<25 {
        _ = try await harness.call(
          ModalClientMethods.secretGetOrCreate,
          SecretGetOrCreateRequest(deploymentName: "s\(index)", objectCreationType: .createFailIfExists, envDict: ["K": "v"]),
          as: harness.owner)
      }
      // The Python client: pages of max_objects, created_before = now, then the last item's created_at,
      // until a page is shorter than the page size.
      var names: [String] = []
      var createdBefore = Date().timeIntervalSince1970 + 1
      var pages = 0
      while true {
        var request = SecretListRequest()
        request.pagination = ListPagination(maxObjects: 10, createdBefore: createdBefore)
        let page = try await harness.call(ModalClientMethods.secretList, request, as: harness.owner)
        pages += 1
        names += page.items.map(\.label)
        #expect(page.environmentName == "main")
        if page.items.count < 10 { break }
        createdBefore = try #require(page.items.last?.metadata?.creationInfo?.createdAt)
      }
      #expect(pages == 3)
      #expect(names == (0..<25).reversed().map { "s\($0)" })
      let all = try await harness.call(ModalClientMethods.secretList, SecretListRequest(), as: harness.owner)
      #expect(all.items.count == 25)
      #expect(all.items[0].metadata?.keys == ["K"] && all.items[0].secretID.hasPrefix("st-"))
    }
  }
}

/// WorkspaceMembersList and the methods declined with a reason.
@Suite struct WorkspaceAPITests {
  @Test func membersListShowsRolesAndActivityToEveryMember() async throws {
    try await withHarness { harness in
      let bea = try await harness.member("bea", role: .manager, scopes: .init([.secretsRead]))
      _ = try await harness.member("carl", role: .member)
      let members = try await harness.call(ModalClientMethods.workspaceMembersList, Empty(), as: bea).members
      let byEmail = Dictionary(uniqueKeysWithValues: members.map { ($0.email, $0) })
      #expect(members.count == 3)
      #expect(byEmail["owner@example.com"]?.memberRole == .owner)
      #expect(byEmail["bea@example.com"]?.memberRole == .manager)
      #expect(byEmail["carl@example.com"]?.memberRole == .user)
      #expect(members.allSatisfy { $0.userID.hasPrefix("us-") && $0.memberID == $0.userID && $0.joinedAt > 0 })
      #expect(members.allSatisfy { $0.memberDisplayname == $0.email })
      // bea's call is activity (still in the usage buffer); carl never used his token.
      #expect((byEmail["bea@example.com"]?.lastActiveAt ?? 0) > 0)
      #expect(byEmail["carl@example.com"]?.lastActiveAt == 0)
    }
  }

  @Test func billingAndImageBuilderMethodsAreDeclinedWithAReason() async throws {
    try await withHarness { harness in
      for (name, word) in [("WorkspaceBillingReport", "bill"), ("WorkspaceSetImageBuilderVersion", "build images")] {
        let path = "/modal.client.ModalClient/\(name)"
        let error = await rpcError { try await harness.channel.unary(path: path, request: [], metadata: harness.owner.metadata) }
        #expect(error?.code == .unimplemented)
        #expect(error?.message.contains("\(name): this server does not \(word)") == true, "\(String(describing: error))")
      }
    }
  }
}
