import ModalAPI
import ProtoWire
import RPC

/// EnvironmentList, EnvironmentGetOrCreate, EnvironmentCreate, EnvironmentDelete, EnvironmentUpdate.
extension MethodTable {
  mutating func registerEnvironmentMethods() {
    let backend = self.backend
    let service = backend.environments

    authenticated(ModalClientMethods.environmentList) { _, caller, _ throws(ServerError) in
      EnvironmentListResponse(items: try await service.list(for: caller).map(listItem))
    }

    authenticated(ModalClientMethods.environmentGetOrCreate) { request, caller, _ throws(ServerError) in
      let environment: Environment
      switch request.objectCreationType {
      case .unspecified:
        environment = try await service.getOrCreate(request.deploymentName, createIfMissing: false, for: caller)
      case .createIfMissing, .createOverwriteIfExists:
        environment = try await service.getOrCreate(request.deploymentName, createIfMissing: true, for: caller)
      case .createFailIfExists:
        environment = try await service.getOrCreate(
          request.deploymentName, createIfMissing: true, failIfExists: true, for: caller)
      case .ephemeral, .anonymousOwnedByApp, .unrecognized:
        throw ServerError(
          .invalidArgument,
          "Environments can only be looked up or created (object_creation_type \(request.objectCreationType.rawValue) is not supported).")
      }
      var settings = EnvironmentSettings()
      settings.webhookSuffix = environment.webhookSuffix
      return EnvironmentGetOrCreateResponse(
        environmentID: environment.id.rawValue,
        metadata: EnvironmentMetadata(name: environment.name, settings: settings, environmentType: .public))
    }

    authenticated(ModalClientMethods.environmentCreate) { request, caller, _ throws(ServerError) in
      _ = try await service.create(request.name, for: caller)
      return Empty()
    }

    authenticated(ModalClientMethods.environmentDelete) { request, caller, _ throws(ServerError) in
      try await service.delete(request.name, for: caller)
      return Empty()
    }

    authenticated(ModalClientMethods.environmentUpdate) { request, caller, _ throws(ServerError) in
      if request.maxConcurrentTasks != nil || request.maxConcurrentGpus != nil || request.imageBuilderVersion != nil
        || request.blockUnauthenticatedResources != nil
      {
        throw ServerError(
          .unimplemented,
          "modal-server runs no tasks: only the name and the web suffix of an environment can be changed.")
      }
      let updated = try await service.update(
        currentName: request.currentName, newName: request.name?.value, webSuffix: request.webSuffix?.value, for: caller)
      return listItem(updated)
    }
  }
}

/// The wire form of an environment.
private func listItem(_ environment: Environment) -> EnvironmentListItem {
  var item = EnvironmentListItem()
  item.name = environment.name
  item.environmentID = environment.id.rawValue
  item.webhookSuffix = environment.webhookSuffix
  item.createdAt = environment.createdAt.seconds
  item.default = environment.isDefault
  item.environmentType = .public
  return item
}
