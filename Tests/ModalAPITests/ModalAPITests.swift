import ModalAPI
import ProtoWire
import Testing

/// The generated API has what the wire spec lists, with the documented Swift names.
@Suite struct ModalAPITests {
  /// Every RPC of the wire spec: method, request, response.
  static let specMethods: [(String, String, String)] = [
    ("ClientHello", "google.protobuf.Empty", "ClientHelloResponse"),
    ("TokenFlowCreate", "TokenFlowCreateRequest", "TokenFlowCreateResponse"),
    ("TokenFlowWait", "TokenFlowWaitRequest", "TokenFlowWaitResponse"),
    ("TokenInfoGet", "TokenInfoGetRequest", "TokenInfoGetResponse"),
    ("WorkspaceNameLookup", "google.protobuf.Empty", "WorkspaceNameLookupResponse"),
    ("WorkspaceMembersList", "google.protobuf.Empty", "WorkspaceMembersListResponse"),
    ("WorkspaceSettings", "google.protobuf.Empty", "WorkspaceSettingsResponse"),
    ("WorkspaceSetDefaultEnvironment", "WorkspaceSetDefaultEnvironmentRequest", "google.protobuf.Empty"),
    (
      "WorkspaceSetImageBuilderVersion", "WorkspaceSetImageBuilderVersionRequest",
      "WorkspaceSetImageBuilderVersionResponse"
    ),
    ("AuthTokenGet", "AuthTokenGetRequest", "AuthTokenGetResponse"),
    ("TokenDelete", "TokenDeleteRequest", "google.protobuf.Empty"),
    ("TokenDisable", "TokenDisableRequest", "google.protobuf.Empty"),
    ("TokenEnable", "TokenEnableRequest", "google.protobuf.Empty"),
    ("TokensList", "google.protobuf.Empty", "TokensListResponse"),
    ("EnvironmentList", "google.protobuf.Empty", "EnvironmentListResponse"),
    ("EnvironmentGetOrCreate", "EnvironmentGetOrCreateRequest", "EnvironmentGetOrCreateResponse"),
    ("EnvironmentCreate", "EnvironmentCreateRequest", "google.protobuf.Empty"),
    ("EnvironmentDelete", "EnvironmentDeleteRequest", "google.protobuf.Empty"),
    ("EnvironmentUpdate", "EnvironmentUpdateRequest", "EnvironmentListItem"),
    ("SecretGetOrCreate", "SecretGetOrCreateRequest", "SecretGetOrCreateResponse"),
    ("SecretList", "SecretListRequest", "SecretListResponse"),
    ("SecretDelete", "SecretDeleteRequest", "google.protobuf.Empty"),
    ("SecretGetInfo", "SecretGetInfoRequest", "SecretGetInfoResponse"),
    ("SecretUpdate", "SecretUpdateRequest", "google.protobuf.Empty"),
    ("AuditLogCount", "AuditLogCountRequest", "AuditLogCountResponse"),
    ("AuditLogList", "AuditLogListRequest", "AuditLogListResponse"),
    ("AuditLogPlan", "AuditLogBucketsRequest", "AuditLogPlanResponse"),
    ("AuditLogSettingsGet", "AuditLogSettingsGetRequest", "AuditLogSettingsGetResponse"),
    ("WebhookTokenCreate", "WebhookTokenCreateRequest", "TokenCreateResponse"),
    ("WebhookTokenDelete", "TokenDeleteRequest", "google.protobuf.Empty"),
    ("WebhookTokenEnvironmentAdd", "WebhookTokenEnvironmentAddRequest", "google.protobuf.Empty"),
    ("WebhookTokenEnvironmentList", "WebhookTokenEnvironmentListRequest", "WebhookTokenEnvironmentListResponse"),
    ("WebhookTokenEnvironmentRemove", "WebhookTokenEnvironmentRemoveRequest", "google.protobuf.Empty"),
    ("WebhookTokenList", "google.protobuf.Empty", "WebhookTokenListResponse"),
    ("WebhookTokenListForEnvironment", "WebhookTokenListForEnvironmentRequest", "WebhookTokenListResponse"),
    ("WebhookTokenUpdate", "WebhookTokenUpdateRequest", "WebhookToken"),
    ("ServiceUserCreate", "ServiceUserCreateRequest", "ServiceUserCreateResponse"),
    ("ServiceUserList", "google.protobuf.Empty", "ServiceUserListResponse"),
    ("ServiceUserInfo", "ServiceUserInfoRequest", "ServiceUserInfoResponse"),
    ("ServiceUserDelete", "ServiceUserDeleteRequest", "google.protobuf.Empty"),
    ("EnvironmentRoleSet", "EnvironmentRoleSetRequest", "google.protobuf.Empty"),
    ("EnvironmentGetRoles", "EnvironmentGetRolesRequest", "EnvironmentGetRolesResponse"),
  ]

  @Test func everyMethodOfTheSpecIsDescribed() {
    #expect(ModalClientMethods.all.count == Self.specMethods.count)
    for (method, request, response) in Self.specMethods {
      let found = ModalClientMethods.all.first { $0.methodName == method }
      #expect(found?.path == "/modal.client.ModalClient/\(method)")
      #expect(found?.isUnary == true)
      let qualify = { (name: String) in name.hasPrefix("google.") ? name : "modal.client." + name }
      #expect(found?.requestType.protoMessageName == qualify(request), "\(method)")
      #expect(found?.responseType.protoMessageName == qualify(response), "\(method)")
    }
    #expect(ModalClientMethods.clientHello.path == "/modal.client.ModalClient/ClientHello")
  }

  @Test func namingConventions() throws {
    let response = TokenFlowCreateResponse(tokenFlowID: "tf-1", webURL: "https://x", code: "ABCD-EFGH", waitSecret: "s")
    #expect(try TokenFlowCreateResponse(serializedBytes: response.serializedBytes()) == response)
    let item = EnvironmentListItem(name: "main", default: true, maxConcurrentTasks: 0)
    #expect(item.default)
    #expect(item.maxConcurrentGpus == nil)
    #expect(item.maxConcurrentTasks == 0)
    #expect(ClientType.libmodalGo.rawValue == 9)
    #expect(Warning.WarningType.clientDeprecation.protoName == "WARNING_TYPE_CLIENT_DEPRECATION")
    #expect(EnvironmentBlockUnauthenticatedResources.allow.rawValue == 3)
  }

  @Test func oneofsMapsAndOptionals() throws {
    var info = TokenInfoGetResponse(
      tokenID: "ak-1", identity: .userIdentity(UserIdentity(userID: "us-1", username: "alice")))
    info.createdAt = Timestamp(seconds: 1_700_000_000)
    let decoded = try TokenInfoGetResponse(serializedBytes: info.serializedBytes())
    #expect(decoded.userIdentity?.username == "alice")
    #expect(decoded.serviceUserIdentity == nil)
    let secret = SecretGetOrCreateRequest(deploymentName: "db", envDict: ["B": "2", "A": "1"], requiredKeys: ["A"])
    #expect(try SecretGetOrCreateRequest(serializedBytes: secret.serializedBytes()) == secret)
    let update = SecretUpdateRequest(
      secretID: "st-1", updates: [.init(key: "A", value: nil), .init(key: "B", value: "")])
    #expect(try SecretUpdateRequest(serializedBytes: update.serializedBytes()).updates[1].value == "")
  }

  @Test func everySchemaMessageHasAGeneratedType() {
    let names = Set(ModalAPISchema.messageTypes.map { $0.protoMessageName })
    let expected = Set(ModalAPISchema.messages.filter { !$0.isMapEntry }.map(\.fullName))
    #expect(names == expected)
    #expect(names.count == 83)
  }
}
