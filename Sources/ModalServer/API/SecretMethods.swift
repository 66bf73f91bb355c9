import ModalAPI
import ProtoWire
import RPC

/// SecretGetOrCreate, SecretList, SecretDelete, SecretGetInfo, SecretUpdate.
extension MethodTable {
  mutating func registerSecretMethods() {
    let service = backend.secrets

    authenticated(ModalClientMethods.secretGetOrCreate) { request, caller, _ throws(ServerError) in
      let mode: SecretService.Mode
      switch request.objectCreationType {
      case .unspecified: mode = .lookup
      case .createIfMissing: mode = .createIfMissing
      case .createFailIfExists: mode = .createFailIfExists
      case .createOverwriteIfExists: mode = .createOverwriteIfExists
      case .ephemeral: mode = .ephemeral
      case .anonymousOwnedByApp:
        throw ServerError(
          .unimplemented,
          "modal-server runs no apps, so app-owned secrets (OBJECT_CREATION_TYPE_ANONYMOUS_OWNED_BY_APP) are not supported.")
      case .unrecognized(let value):
        throw ServerError(.invalidArgument, "Unknown object_creation_type \(value).")
      }
      let found = try await service.getOrCreate(
        name: request.deploymentName, environmentName: request.environmentName, mode: mode, values: request.envDict,
        requiredKeys: request.requiredKeys, for: caller)
      return SecretGetOrCreateResponse(secretID: found.secret.id.rawValue, metadata: metadata(found))
    }

    authenticated(ModalClientMethods.secretList) { request, caller, _ throws(ServerError) in
      var createdBefore: UnixTime?
      var limit = 0
      if let pagination = request.pagination {
        limit = Int(pagination.maxObjects)
        if pagination.createdBefore != 0 {
          guard let time = UnixTime(seconds: pagination.createdBefore) else {
            throw ServerError(.invalidArgument, "pagination.created_before is not a valid time.")
          }
          createdBefore = time
        }
      }
      let page = try await service.list(
        environmentName: request.environmentName, createdBefore: createdBefore, limit: limit, for: caller)
      var response = SecretListResponse()
      response.environmentName = page.environment.name
      for secret in page.secrets {
        let found = SecretService.Found(secret: secret, environmentName: page.environment.name)
        response.items.append(
          SecretListItem(
            label: secret.name ?? "", createdAt: secret.createdAt.seconds, lastUsedAt: secret.lastUsedAt?.seconds ?? 0,
            environmentName: page.environment.name, secretID: secret.id.rawValue, metadata: metadata(found)))
      }
      return response
    }

    authenticated(ModalClientMethods.secretDelete) { request, caller, _ throws(ServerError) in
      try await service.delete(id: SecretID(rawValue: request.secretID), for: caller)
      return Empty()
    }

    authenticated(ModalClientMethods.secretGetInfo) { request, caller, _ throws(ServerError) in
      SecretGetInfoResponse(metadata: metadata(try await service.info(id: SecretID(rawValue: request.secretID), for: caller)))
    }

    authenticated(ModalClientMethods.secretUpdate) { request, caller, _ throws(ServerError) in
      try await service.update(id: SecretID(rawValue: request.secretID), changes: request.updates.map { ($0.key, $0.value) }, for: caller)
      return Empty()
    }
  }
}

/// The wire form of a secret's metadata (never its values).
private func metadata(_ found: SecretService.Found) -> SecretMetadata {
  var metadata = SecretMetadata()
  metadata.name = found.secret.name ?? ""
  metadata.creationInfo = CreationInfo(createdAt: found.secret.createdAt.seconds, createdBy: found.secret.createdBy)
  metadata.keys = found.secret.keys
  metadata.environmentName = found.environmentName
  metadata.lastUsedAt = found.secret.lastUsedAt?.seconds ?? 0
  return metadata
}
