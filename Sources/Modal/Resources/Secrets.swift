import ModalAPI
import ProtoWire

extension ModalClient {
  /// The named secrets of the client's workspace: create, look up, list, delete.
  public var secrets: Secrets { Secrets(client: self) }
}

/// Named secrets (`modal.Secret` in the Python client, `client.Secrets` in Go).
///
/// ```swift
/// let secret = try await client.secrets.create("db", values: ["PASSWORD": password])
/// for try await item in client.secrets.list() { print(item.name) }
/// try await client.secrets.delete("db")
/// ```
///
/// Every method takes the environment to work in; nil means the client's (``ModalClient/environmentName``,
/// and when that is empty, the workspace's default).
public struct Secrets: Sendable {
  let client: ModalClient

  /// What ``create(_:values:environment:ifExists:options:)`` does when the name is taken.
  public enum IfExists: Sendable, Hashable {
    /// Fail with ``ModalError`` (`alreadyExists`).
    case fail
    /// Replace the secret's values.
    case overwrite
  }

  /// Creates a secret with these values (`SecretGetOrCreate`).
  public func create(
    _ name: String, values: [String: String], environment: String? = nil, ifExists: IfExists = .fail,
    options: CallOptions = .standard
  ) async throws(ModalError) -> Secret {
    var request = SecretGetOrCreateRequest()
    request.deploymentName = name
    request.environmentName = environmentName(environment)
    request.objectCreationType = ifExists == .overwrite ? .createOverwriteIfExists : .createFailIfExists
    request.envDict = values
    return Secret(try await client.call(ModalClientMethods.secretGetOrCreate, request, options: options), name: name)
  }

  /// The secret with this name (`SecretGetOrCreate` as a lookup, like `Secret.from_name`).
  ///
  /// - Throws: ``ModalError`` (`notFound`) when there is none.
  public func fromName(_ name: String, environment: String? = nil, options: CallOptions = .standard) async throws(ModalError) -> Secret {
    var request = SecretGetOrCreateRequest()
    request.deploymentName = name
    request.environmentName = environmentName(environment)
    return Secret(try await client.call(ModalClientMethods.secretGetOrCreate, request, options: options), name: name)
  }

  /// A secret's name, keys and history by its id (`SecretGetInfo`).
  public func info(id: String, options: CallOptions = .standard) async throws(ModalError) -> Secret {
    let response = try await client.call(ModalClientMethods.secretGetInfo, SecretGetInfoRequest(secretID: id), options: options)
    return Secret(id: id, metadata: response.metadata ?? SecretMetadata(), fallbackName: "")
  }

  /// Every secret of the environment, newest first, fetched a page at a time as the sequence is
  /// read (`SecretList`, `pageSize` a page, as the Python client pages).
  public func list(environment: String? = nil, pageSize: Int = 100, options: CallOptions = .standard) -> SecretList {
    SecretList(client: client, environment: environmentName(environment), pageSize: Int32(clamping: max(1, pageSize)), options: options)
  }

  /// Deletes a secret by name: looks it up, then deletes it by id.
  ///
  /// - Throws: ``ModalError`` (`notFound`) when there is no such secret.
  public func delete(_ name: String, environment: String? = nil, options: CallOptions = .standard) async throws(ModalError) {
    try await delete(id: fromName(name, environment: environment, options: options).id, options: options)
  }

  /// Deletes a secret by id (`SecretDelete`).
  public func delete(id: String, options: CallOptions = .standard) async throws(ModalError) {
    _ = try await client.call(ModalClientMethods.secretDelete, SecretDeleteRequest(secretID: id), options: options)
  }

  private func environmentName(_ given: String?) -> String { given.nonEmpty ?? client.environmentName }
}

/// A named secret: its id, name, keys (never its values) and history.
public struct Secret: Sendable, Hashable {
  /// The secret's id (`st-…`).
  public var id: String
  /// The secret's name.
  public var name: String
  /// The environment it lives in.
  public var environmentName: String
  /// The keys it holds.
  public var keys: [String]
  /// When it was created.
  public var createdAt: UnixTime?
  /// Who created it, when the server says.
  public var createdBy: String?
  /// When it was last used; nil when never.
  public var lastUsedAt: UnixTime?

  init(_ response: SecretGetOrCreateResponse, name: String) {
    self.init(id: response.secretID, metadata: response.metadata ?? SecretMetadata(), fallbackName: name)
  }

  init(id: String, metadata: SecretMetadata, fallbackName: String) {
    self.id = id
    name = metadata.name.isEmpty ? fallbackName : metadata.name
    environmentName = metadata.environmentName
    keys = metadata.keys
    createdAt = metadata.creationInfo.flatMap { UnixTime(ifSet: $0.createdAt) }
    createdBy = metadata.creationInfo?.createdBy
    lastUsedAt = UnixTime(ifSet: metadata.lastUsedAt)
  }

  /// A secret as `SecretList` gives it: the metadata's creation time and last use when it has
  /// them, else the item's.
  init(_ item: SecretListItem) {
    let metadata = item.metadata
    id = item.secretID
    name = item.label
    environmentName = item.environmentName
    keys = metadata?.keys ?? []
    createdAt = UnixTime(ifSet: metadata?.creationInfo?.createdAt ?? item.createdAt)
    createdBy = metadata?.creationInfo?.createdBy
    lastUsedAt = UnixTime(ifSet: metadata?.lastUsedAt ?? item.lastUsedAt)
  }
}
