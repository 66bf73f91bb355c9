import Foundation
import Modal
import TestSupport
import Testing

/// The SDK's typed resources (`client.secrets`, `client.tokens`, `client.environments`) against a
/// real `modal-server`: each test starts its own, so this suite runs one at a time.
@Suite struct ResourceServerTests {
  private func client(_ server: ModalServerProcess, _ folder: TemporaryFolder, id: String? = nil, secret: String? = nil) throws -> ModalClient {
    try ModalClient(
      tokenID: id ?? server.tokenID, tokenSecret: secret ?? server.tokenSecret,
      options: .init(serverURL: server.url, host: folder.host()))
  }

  /// A second token of the server's workspace, named `second`: its id and secret.
  private func secondToken(_ server: ModalServerProcess) throws -> (id: String, secret: String) {
    let second = try server.run(["token", "create", "--workspace", "me", "--name", "second", "--json"])
    let json = try #require(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any], "\(second.stderr)")
    return (try #require(json["token_id"] as? String), try #require(json["token_secret"] as? String))
  }

  @Test func secretsCreateLookUpListInPagesAndDelete() async throws {
    let folder = TemporaryFolder()
    let server = try ModalServerProcess(in: folder)
    let client = try client(server, folder)
    let created = try await client.secrets.create("db", values: ["PASSWORD": "pw-1", "USER": "me"])
    #expect(created.name == "db" && created.keys.sorted() == ["PASSWORD", "USER"] && created.id.hasPrefix("st-"))
    #expect(created.createdAt != nil)
    let taken = await #expect(throws: ModalError.self) { try await client.secrets.create("db", values: ["A": "1"]) }
    #expect(taken?.code == .alreadyExists)
    #expect(taken?.cause?.code == .alreadyExists)
    let replaced = try await client.secrets.create("db", values: ["TOKEN": "t"], ifExists: .overwrite)
    #expect(replaced.keys == ["TOKEN"])
    #expect(try await client.secrets.fromName("db").id == replaced.id)
    let info = try await client.secrets.info(id: replaced.id)
    #expect(info.name == "db" && info.keys == ["TOKEN"] && info.environmentName == "main")

    for index in 1...15 { _ = try await client.secrets.create("s\(index)", values: ["K": "\(index)"]) }
    var names: [String] = []
    for try await secret in client.secrets.list(pageSize: 7) { names.append(secret.name) }
    #expect(names.count == 16 && Set(names).count == 16, "\(names)")
    #expect(names.first == "s15" && names.last == "db", "newest first: \(names)")
    #expect(try await client.secrets.list().all().map(\.name) == names)
    #expect(server.logEventually(within: 5) { $0.components(separatedBy: "SecretList").count - 1 >= 3 + 1 })

    try await client.secrets.delete("db")
    let gone = await #expect(throws: ModalError.self) { try await client.secrets.fromName("db") }
    #expect(gone?.code == .notFound)
    let again = await #expect(throws: ModalError.self) { try await client.secrets.delete("db") }
    #expect(again?.code == .notFound)
  }

  @Test func auditLogPagesThroughEntriesWithFilters() async throws {
    let folder = TemporaryFolder()
    let server = try ModalServerProcess(in: folder)
    let client = try client(server, folder)
    for index in 1...5 { _ = try await client.secrets.create("a\(index)", values: ["K": "v"]) }
    try await client.secrets.delete("a1")
    var seen: [AuditLogRecord] = []
    for try await entry in client.auditLog.entries(pageSize: 2) { seen.append(entry) }
    #expect(seen.map(\.action) == ["secret.deleted"] + Array(repeating: "secret.created", count: 5))
    #expect(seen.map(\.target.name) == ["a1", "a5", "a4", "a3", "a2", "a1"])
    let first = try #require(seen.first)
    #expect(first.actor.type == "user" && first.source == "sdk" && first.succeeded && first.address == "127.0.0.1")
    #expect(first.details["token_id"] == server.tokenID && first.time != nil)
    let created = AuditLog.Filter(actions: ["secret.created"])
    #expect(try await client.auditLog.entries(created).all().count == 5)
    #expect(try await client.auditLog.count(created) == 5)
    #expect(try await client.auditLog.count(AuditLog.Filter(actions: ["token.*"])) == 0)
    let future = AuditLog.Filter(since: UnixTime(seconds: 4_000_000_000))
    #expect(try await client.auditLog.entries(future).all().isEmpty)
    #expect(server.logEventually(within: 5) { $0.components(separatedBy: "AuditLogList").count - 1 >= 3 })
  }

  @Test func tokensInfoListAndRevoke() async throws {
    let folder = TemporaryFolder()
    let server = try ModalServerProcess(in: folder)
    let (secondID, secondSecret) = try secondToken(server)
    let client = try client(server, folder)

    let info = try await client.tokens.info()
    #expect(info.id == server.tokenID && info.workspaceName == "me" && !info.workspaceID.isEmpty)
    guard case .user(let user) = info.identity else { Issue.record("identity \(info.identity)"); return }
    #expect(!user.id.isEmpty)
    #expect(info.createdAt != nil && info.expiresAt == nil)

    let listed = try await client.tokens.list()
    #expect(Set(listed.map(\.id)).isSuperset(of: [server.tokenID, secondID]))
    let entry = try #require(listed.first { $0.id == secondID })
    #expect(entry.name == "second" && entry.status(now: UnixTime(seconds: 4e9)) == .active)

    let other = try self.client(server, folder, id: secondID, secret: secondSecret)
    #expect(try await other.tokens.info().id == secondID)
    try await client.tokens.revoke(secondID)
    let rejected = await #expect(throws: ModalError.self) { try await other.tokens.info() }
    #expect(rejected?.code == .authentication)
    #expect(rejected?.cause?.code == .unauthenticated)
    let revoked = try #require(try await client.tokens.list().first { $0.id == secondID })
    #expect(revoked.disabled && revoked.status(now: UnixTime(seconds: 4e9)) == .revoked)
    let missing = await #expect(throws: ModalError.self) { try await client.tokens.revoke("ak-doesnotexist0000000000") }
    #expect(missing?.code == .notFound)
  }

  @Test func memberTokensDisableAndEnable() async throws {
    let folder = TemporaryFolder()
    let server = try ModalServerProcess(in: folder)
    let (secondID, secondSecret) = try secondToken(server)
    let client = try client(server, folder)
    let other = try self.client(server, folder, id: secondID, secret: secondSecret)

    try await client.workspace.memberTokens.disable([secondID, secondID])
    let refused = await #expect(throws: ModalError.self) { try await other.tokens.info() }
    #expect(refused?.code == .authentication && refused?.message.contains("was disabled at") == true, "\(String(describing: refused))")
    #expect(try await client.workspace.memberTokens.list().first { $0.id == secondID }?.disabled == true)
    try await client.workspace.memberTokens.enable([secondID])
    #expect(try await other.tokens.info().id == secondID)
    let unknown = await #expect(throws: ModalError.self) {
      try await client.workspace.memberTokens.enable(["ak-doesnotexist0000000000"])
    }
    #expect(unknown?.code == .notFound)
  }

  @Test func environmentsListCreateUpdateAndDelete() async throws {
    let folder = TemporaryFolder()
    let server = try ModalServerProcess(in: folder)
    let client = try client(server, folder)
    let initial = try await client.environments.list()
    #expect(initial.map(\.name) == ["main"] && initial.first?.isDefault == true)
    #expect(try await client.environments.get().name == "main")

    try await client.environments.create("staging")
    #expect(try await client.environments.list().map(\.name).sorted() == ["main", "staging"])
    let duplicate = await #expect(throws: ModalError.self) { try await client.environments.create("staging") }
    #expect(duplicate?.code == .alreadyExists)

    let renamed = try await client.environments.update("staging", newName: "stage", webSuffix: "stg")
    #expect(renamed.name == "stage" && renamed.webSuffix == "stg" && !renamed.isDefault)
    let found = try await client.environments.get("stage")
    #expect(found.name == "stage" && found.id == renamed.id)

    try await client.environments.delete("stage")
    #expect(try await client.environments.list().map(\.name) == ["main"])
    let gone = await #expect(throws: ModalError.self) { try await client.environments.delete("stage") }
    #expect(gone?.code == .notFound)
  }
}
