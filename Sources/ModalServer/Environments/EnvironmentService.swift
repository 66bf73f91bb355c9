import ModalAPI
import ProtoWire

/// Environments of a workspace: list, look up, create, rename, delete.
///
/// Reads need `environments:read`; changes need `environments:write` and the role manager.
package struct EnvironmentService: Sendable {
  let dependencies: Dependencies

  /// Creates the service.
  package init(dependencies: Dependencies) { self.dependencies = dependencies }

  /// The environments of the caller's workspace, oldest first.
  package func list(for caller: Caller) async throws(ServerError) -> [Environment] {
    try caller.require(.environmentsRead, for: ModalClientMethods.environmentList)
    return try await dependencies.store.environments(workspaceID: caller.workspace.id)
  }

  /// Resolves `name` in the caller's workspace: the default environment for `""`; `notFound` otherwise.
  /// Does not check scopes (callers that expose it do).
  package func resolve(_ name: String, in workspace: Workspace) async throws(ServerError) -> Environment {
    let store = dependencies.store
    if name.isEmpty {
      let all = try await store.environments(workspaceID: workspace.id)
      guard let found = all.first(where: \.isDefault) ?? all.first else {
        throw ServerError(.notFound, "Workspace '\(workspace.name)' has no environment; create one with `modal environment create`.")
      }
      return found
    }
    guard NameRules.isValidEnvironmentName(name, allowPeriods: true),
      let found = try await store.environment(workspaceID: workspace.id, name: name)
    else {
      throw ServerError(.notFound, "Environment '\(name)' not found in workspace '\(workspace.name)'.")
    }
    return found
  }

  /// Looks an environment up, creating it first when `createIfMissing` (which needs write access).
  package func getOrCreate(_ name: String, createIfMissing: Bool, failIfExists: Bool = false, for caller: Caller)
    async throws(ServerError) -> Environment
  {
    if !createIfMissing {
      try caller.require(.environmentsRead, for: ModalClientMethods.environmentGetOrCreate)
      return try await resolve(name, in: caller.workspace)
    }
    try caller.require(.environmentsWrite, role: .manager, for: ModalClientMethods.environmentGetOrCreate)
    if !failIfExists, !name.isEmpty,
      let existing = try await dependencies.store.environment(workspaceID: caller.workspace.id, name: name)
    {
      return existing
    }
    if name.isEmpty { return try await resolve(name, in: caller.workspace) }
    return try await insert(name, for: caller)
  }

  /// Creates an environment.
  package func create(_ name: String, for caller: Caller) async throws(ServerError) -> Environment {
    try caller.require(.environmentsWrite, role: .manager, for: ModalClientMethods.environmentCreate)
    return try await insert(name, for: caller)
  }

  private func insert(_ name: String, for caller: Caller) async throws(ServerError) -> Environment {
    try NameRules.checkEnvironmentName(name)
    let environment = Environment(
      id: EnvironmentID.random(), workspaceID: caller.workspace.id, name: name, isDefault: false,
      webhookSuffix: name.lowercased(), createdAt: dependencies.clock.now())
    do {
      try await dependencies.store.insertEnvironment(environment)
    } catch where error.code == .alreadyExists {
      throw ServerError(.alreadyExists, "Environment '\(name)' already exists in workspace '\(caller.workspace.name)'.")
    }
    return environment
  }

  /// Deletes an environment and its secrets; the default environment cannot be deleted.
  package func delete(_ name: String, for caller: Caller) async throws(ServerError) {
    try caller.require(.environmentsWrite, role: .manager, for: ModalClientMethods.environmentDelete)
    guard !name.isEmpty else { throw ServerError(.invalidArgument, "Name the environment to delete.") }
    let environment = try await resolve(name, in: caller.workspace)
    guard !environment.isDefault else {
      throw ServerError(
        .failedPrecondition,
        "Environment '\(name)' is the default environment of workspace '\(caller.workspace.name)' and cannot be deleted.")
    }
    try await dependencies.store.deleteEnvironment(id: environment.id)
  }

  /// Renames an environment and/or sets its web suffix; returns the updated environment.
  package func update(currentName: String, newName: String?, webSuffix: String?, for caller: Caller) async throws(ServerError)
    -> Environment
  {
    try caller.require(.environmentsWrite, role: .manager, for: ModalClientMethods.environmentUpdate)
    var environment = try await resolve(currentName, in: caller.workspace)
    if let newName, newName != environment.name { try NameRules.checkEnvironmentName(newName) }
    if let webSuffix {
      let valid = webSuffix.utf8.count <= 63 && webSuffix.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
      guard valid else {
        throw ServerError(.invalidArgument, "Invalid web suffix '\(webSuffix)': use at most 63 lower-case letters, digits and dashes.")
      }
    }
    let id = environment.id
    do {
      try await dependencies.store.updateEnvironment(id: id, name: newName, webhookSuffix: webSuffix)
    } catch where error.code == .alreadyExists {
      throw ServerError(.alreadyExists, "Environment '\(newName ?? "")' already exists in workspace '\(caller.workspace.name)'.")
    }
    if let newName { environment.name = newName }
    if let webSuffix { environment.webhookSuffix = webSuffix }
    return environment
  }
}
