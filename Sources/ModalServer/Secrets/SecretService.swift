import ModalAPI
import ProtoWire

/// Secrets of an environment: get-or-create in every creation mode, list, info, update, delete.
///
/// Reading metadata (names, keys, dates; the API never returns values) needs `secrets:read` and
/// the environment role viewer; creating named secrets, updating and deleting need `secrets:write`
/// and the environment role contributor; ephemeral secrets (unnamed, they expire) need
/// `secrets:write` and viewer. The environment role follows the workspace role unless one is
/// assigned (`EnvironmentAccess`).
package struct SecretService: Sendable {
  let dependencies: Dependencies
  private var environments: EnvironmentService { EnvironmentService(dependencies: dependencies) }
  private var roles: EnvironmentRoleService { EnvironmentRoleService(dependencies: dependencies) }

  /// Creates the service.
  package init(dependencies: Dependencies) { self.dependencies = dependencies }

  /// How `getOrCreate` treats an existing or missing secret (`ObjectCreationType` on the wire).
  package enum Mode: Sendable, Hashable {
    /// Look up only: `notFound` if missing.
    case lookup
    /// Create when missing, else return the existing one unchanged.
    case createIfMissing
    /// Create; `alreadyExists` if it exists.
    case createFailIfExists
    /// Create, or replace the values of the existing one.
    case createOverwriteIfExists
    /// An unnamed secret that expires.
    case ephemeral
  }

  /// A secret with the name of its environment.
  package struct Found: Sendable {
    /// The record.
    package let secret: SecretRecord
    /// Its environment's name.
    package let environmentName: String
  }

  /// Looks a secret up or creates it, then checks `requiredKeys`.
  package func getOrCreate(
    name: String, environmentName: String, mode: Mode, values: [String: String], requiredKeys: [String], for caller: Caller
  ) async throws(ServerError) -> Found {
    let store = dependencies.store
    switch mode {
    case .lookup: try caller.require(.secretsRead, for: ModalClientMethods.secretGetOrCreate)
    default: try caller.require(.secretsWrite, for: ModalClientMethods.secretGetOrCreate)
    }
    let environment = try await environments.resolve(environmentName, in: caller.workspace)
    let needed: EnvironmentAccess = mode == .lookup || mode == .ephemeral ? .viewer : .contributor
    try await roles.require(needed, in: environment, for: caller, method: ModalClientMethods.secretGetOrCreate.methodName)
    if mode == .ephemeral {
      try validate(values)
      let secret = try await insert(name: nil, values: values, environment: environment, caller: caller)
      return Found(secret: secret, environmentName: environment.name)
    }
    guard !name.isEmpty else { throw ServerError(.invalidArgument, "deployment_name (the secret's name) is required.") }
    let existing = try await store.secret(environmentID: environment.id, name: name)
    var result: SecretRecord
    switch (mode, existing) {
    case (.lookup, nil):
      throw ServerError(.notFound, "Secret '\(name)' not found in environment '\(environment.name)'.")
    case (.lookup, let found?), (.createIfMissing, let found?):
      result = found
    case (.createFailIfExists, _?):
      throw ServerError(.alreadyExists, "Secret '\(name)' already exists in environment '\(environment.name)'.")
    case (.createOverwriteIfExists, let found?):
      try validate(values)
      let keys = values.keys.sorted()
      let sealed = try SecretValues.seal(values, keys: dependencies.keys)
      let old = try await store.secretValues(id: found.id)
      try await checkBytes(sealed, replacing: old, caller: caller)
      let now = dependencies.clock.now()
      _ = try await store.replaceSecretValues(
        id: found.id, keys: keys, values: sealed, replacing: nil, at: now,
        audit: audit(.secretUpdated, found, environment: environment.name, by: caller, at: now))
      result = found
      result.keys = keys
      result.updatedAt = now
    case (_, nil):
      try NameRules.checkObjectName(name)
      try validate(values)
      do {
        result = try await insert(name: name, values: values, environment: environment, caller: caller)
      } catch let error where error.code == .alreadyExists && mode == .createIfMissing {
        // Created concurrently by another call: that one wins.
        guard let raced = try await store.secret(environmentID: environment.id, name: name)
        else { throw error }
        result = raced
      } catch let error where error.code == .alreadyExists {
        throw ServerError(.alreadyExists, "Secret '\(name)' already exists in environment '\(environment.name)'.")
      }
    case (.ephemeral, _):
      throw ServerError(.internal, "unreachable")
    }
    let missing = requiredKeys.filter { !result.keys.contains($0) }
    if !missing.isEmpty {
      let list = missing.map { "'\($0)'" }.joined(separator: ", ")
      throw ServerError(
        .failedPrecondition, "Secret is missing key\(missing.count == 1 ? "" : "s") \(list) (secret '\(name)' has: \(result.keys.joined(separator: ", ")))")
    }
    if mode == .lookup { dependencies.usage.secretUsed(result.id, at: dependencies.clock.now()) }
    result.lastUsedAt = try await lastUsed(result)
    return Found(secret: result, environmentName: environment.name)
  }

  private func insert(name: String?, values: [String: String], environment: Environment, caller: Caller)
    async throws(ServerError) -> SecretRecord
  {
    let now = dependencies.clock.now()
    let record = SecretRecord(
      id: SecretID.random(), workspaceID: caller.workspace.id, environmentID: environment.id, name: name,
      keys: values.keys.sorted(), createdBy: caller.displayName, createdAt: now, updatedAt: now,
      expiresAt: name == nil ? now.adding(seconds: dependencies.settings.ephemeralSecretLifetime) : nil)
    let sealed = try SecretValues.seal(values, keys: dependencies.keys)
    let usage = try await dependencies.workspaceUsage(caller.workspace.id)
    try dependencies.settings.quotas.checkNewSecret(
      bytes: Self.storedBytes(sealed), workspace: caller.workspace.name, usage: usage)
    // Ephemeral secrets (no name) belong to one run of an app: not an event of the workspace.
    let entry = name == nil ? nil : audit(.secretCreated, record, environment: environment.name, by: caller, at: now)
    return try await dependencies.store.insertSecret(record, values: sealed, audit: entry)
  }

  /// The audit entry of a change to `secret`: its name and keys, never a value.
  private func audit(_ action: AuditAction, _ secret: SecretRecord, environment: String, by caller: Caller, at time: UnixTime)
    -> AuditEntry
  {
    AuditEntry(
      action, by: caller.auditActor, target: .secret(secret.id, name: secret.name), workspaceID: caller.workspace.id,
      at: time, detail: ["environment": environment])
  }

  /// `SecretValues.validate` and the quota on each value's size.
  private func validate(_ values: [String: String]) throws(ServerError) {
    try SecretValues.validate(values)
    try dependencies.settings.quotas.checkValues(values)
  }

  /// Refuses `sealed` in place of `old` when the growth takes the workspace over its total.
  private func checkBytes(_ sealed: SealedValues, replacing old: SealedValues?, caller: Caller) async throws(ServerError) {
    let growth = Self.storedBytes(sealed) - (old.map(Self.storedBytes) ?? 0)
    guard growth > 0, dependencies.settings.quotas.secretBytes > 0 else { return }
    let usage = try await dependencies.workspaceUsage(caller.workspace.id)
    try dependencies.settings.quotas.checkSecretBytes(adding: growth, workspace: caller.workspace.name, usage: usage)
  }

  /// Bytes of sealed values as the quota counts them: the stored nonce and ciphertext.
  static func storedBytes(_ sealed: SealedValues) -> Int { sealed.ciphertext.count }

  private func lastUsed(_ secret: SecretRecord) async throws(ServerError) -> UnixTime? {
    let pending = dependencies.usage.pendingSecretUse(secret.id)
    switch (pending, secret.lastUsedAt) {
    case (let a?, let b?): return max(a, b)
    case (let a?, nil): return a
    case (nil, let b): return b
    }
  }

  /// One page of named secrets, newest first, created strictly before `createdBefore` (any time
  /// when `nil`); `limit` is clamped to 1...`maximumPageSize` (0 means 100).
  package func list(environmentName: String, createdBefore: UnixTime?, limit: Int, for caller: Caller)
    async throws(ServerError) -> (environment: Environment, secrets: [SecretRecord])
  {
    try caller.require(.secretsRead, for: ModalClientMethods.secretList)
    let environment = try await environments.resolve(environmentName, in: caller.workspace)
    try await roles.require(.viewer, in: environment, for: caller, method: ModalClientMethods.secretList.methodName)
    let pageSize = limit <= 0 ? 100 : min(limit, dependencies.settings.maximumPageSize)
    var secrets = try await dependencies.store.secrets(environmentID: environment.id, createdBefore: createdBefore, limit: pageSize)
    for index in secrets.indices { secrets[index].lastUsedAt = try await lastUsed(secrets[index]) }
    return (environment, secrets)
  }

  /// The secret with `id` in the caller's workspace, with its environment's name.
  package func info(id: SecretID, for caller: Caller) async throws(ServerError) -> Found {
    try caller.require(.secretsRead, for: ModalClientMethods.secretGetInfo)
    return try await find(id, for: caller, needing: .viewer, method: ModalClientMethods.secretGetInfo.methodName)
  }

  /// The secret with `id` in the caller's workspace, if the caller has at least `needed` in its environment.
  private func find(_ id: SecretID, for caller: Caller, needing needed: EnvironmentAccess, method: String)
    async throws(ServerError) -> Found
  {
    let store = dependencies.store
    let now = dependencies.clock.now()
    guard id.rawValue.hasPrefix("st-"), id.rawValue.count <= 64,
      var secret = try await store.secret(id: id),
      secret.workspaceID == caller.workspace.id, (secret.expiresAt.map { $0 > now } ?? true)
    else {
      throw ServerError(.notFound, "Secret \(id) not found.")
    }
    guard let environment = try await store.environment(id: secret.environmentID) else {
      throw ServerError(.notFound, "Secret \(id) not found.")
    }
    try await roles.require(needed, in: environment, for: caller, method: method)
    secret.lastUsedAt = try await lastUsed(secret)
    return Found(secret: secret, environmentName: environment.name)
  }

  /// Sets (value given) or removes (value `nil`) keys of a secret.
  package func update(id: SecretID, changes: [(key: String, value: String?)], for caller: Caller) async throws(ServerError) {
    try caller.require(.secretsWrite, for: ModalClientMethods.secretUpdate)
    let found = try await find(id, for: caller, needing: .contributor, method: ModalClientMethods.secretUpdate.methodName)
    let store = dependencies.store
    // Read, change, and write back only if nobody wrote in between; otherwise start over, so two
    // concurrent updates (on one replica or two) never lose one another's keys.
    for _ in 0..<8 {
      guard let sealed = try await store.secretValues(id: id) else {
        throw ServerError(.notFound, "Secret \(id) not found.")
      }
      var values = try SecretValues.open(sealed, keys: dependencies.keys)
      for change in changes { values[change.key] = change.value }
      try validate(values)
      let resealed = try SecretValues.seal(values, keys: dependencies.keys)
      try await checkBytes(resealed, replacing: sealed, caller: caller)
      let keys = values.keys.sorted()
      let now = dependencies.clock.now()
      let entry = audit(.secretUpdated, found.secret, environment: found.environmentName, by: caller, at: now)
      let replaced = try await store.replaceSecretValues(
        id: found.secret.id, keys: keys, values: resealed, replacing: sealed, at: now, audit: entry)
      if replaced { return }
    }
    throw ServerError(.aborted, "Secret \(id) kept changing while it was being updated (other updates won); try again.")
  }

  /// Deletes a secret of the caller's workspace.
  package func delete(id: SecretID, for caller: Caller) async throws(ServerError) {
    try caller.require(.secretsWrite, for: ModalClientMethods.secretDelete)
    let found = try await find(id, for: caller, needing: .contributor, method: ModalClientMethods.secretDelete.methodName)
    let entry = audit(.secretDeleted, found.secret, environment: found.environmentName, by: caller, at: dependencies.clock.now())
    guard try await dependencies.store.deleteSecret(id: found.secret.id, audit: entry) else {
      throw ServerError(.notFound, "Secret \(id) not found.")
    }
  }
}
