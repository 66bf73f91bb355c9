import ModalAPI
import ProtoWire

extension ModalClient {
  /// The environments of the client's workspace: list, look up, create, update, delete.
  public var environments: Environments { Environments(client: self) }
}

/// The environments of a workspace (`modal environment …`).
///
/// ```swift
/// try await client.environments.create("staging")
/// let renamed = try await client.environments.update("staging", name: "stage")
/// for environment in try await client.environments.list() { print(environment.name, environment.isDefault) }
/// ```
public struct Environments: Sendable {
  let client: ModalClient

  /// Every environment of the workspace (`EnvironmentList`).
  public func list(options: CallOptions = .standard) async throws(ModalError) -> [Environment] {
    try await client.call(ModalClientMethods.environmentList, Empty(), options: options).items.map(Environment.init)
  }

  /// An environment by name, or the workspace's default for an empty name
  /// (`EnvironmentGetOrCreate` as a lookup).
  public func get(_ name: String = "", options: CallOptions = .standard) async throws(ModalError) -> EnvironmentInfo {
    var request = EnvironmentGetOrCreateRequest()
    request.deploymentName = name
    return EnvironmentInfo(try await client.call(ModalClientMethods.environmentGetOrCreate, request, options: options))
  }

  /// Creates an environment (`EnvironmentCreate`).
  public func create(_ name: String, options: CallOptions = .standard) async throws(ModalError) {
    _ = try await client.call(ModalClientMethods.environmentCreate, EnvironmentCreateRequest(name: name), options: options)
  }

  /// Renames an environment or changes its web suffix (`EnvironmentUpdate`); nil leaves a value as
  /// it is.
  public func update(
    _ name: String, newName: String? = nil, webSuffix: String? = nil, options: CallOptions = .standard
  ) async throws(ModalError) -> Environment {
    if newName?.isEmpty == true { throw ModalError(.invalidArgument, "The new environment name cannot be empty.") }
    var request = EnvironmentUpdateRequest()
    request.currentName = name
    request.name = newName.map { StringValue($0) }
    request.webSuffix = webSuffix.map { StringValue($0) }
    return Environment(try await client.call(ModalClientMethods.environmentUpdate, request, options: options))
  }

  /// Deletes an environment and everything in it (`EnvironmentDelete`).
  public func delete(_ name: String, options: CallOptions = .standard) async throws(ModalError) {
    _ = try await client.call(ModalClientMethods.environmentDelete, EnvironmentDeleteRequest(name: name), options: options)
  }
}

/// An environment as `EnvironmentList` describes it.
public struct Environment: Sendable, Hashable {
  /// The environment's id.
  public var id: String
  /// The environment's name.
  public var name: String
  /// The suffix of its web endpoint host names.
  public var webSuffix: String
  /// True for the workspace's default environment.
  public var isDefault: Bool
  /// When it was created.
  public var createdAt: UnixTime?

  init(_ item: EnvironmentListItem) {
    id = item.environmentID
    name = item.name
    webSuffix = item.webhookSuffix
    isDefault = item.default
    createdAt = UnixTime(ifSet: item.createdAt)
  }
}

/// An environment as a lookup by name describes it.
public struct EnvironmentInfo: Sendable, Hashable {
  /// The environment's id.
  public var id: String
  /// The environment's name.
  public var name: String
  /// The suffix of its web endpoint host names.
  public var webSuffix: String

  init(_ response: EnvironmentGetOrCreateResponse) {
    id = response.environmentID
    name = response.metadata?.name ?? ""
    webSuffix = response.metadata?.settings?.webhookSuffix ?? ""
  }
}
