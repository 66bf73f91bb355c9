import ModalAPI

/// The workspace's default environment: what `modal workspace settings list|set default-environment`
/// read and change.
extension EnvironmentService {
  /// The default environment of the caller's workspace (`WorkspaceSettings`); any member may read
  /// it, as `EnvironmentList` already shows it.
  package func defaultEnvironment(for caller: Caller) async throws(ServerError) -> Environment {
    try caller.require(.environmentsRead, for: ModalClientMethods.workspaceSettings)
    return try await resolve("", in: caller.workspace)
  }

  /// Makes the environment named `name` the workspace's default (`WorkspaceSetDefaultEnvironment`):
  /// manager or owner, as Python's help says, with `environments:write`.
  package func setDefault(_ name: String, for caller: Caller) async throws(ServerError) {
    try caller.require(.environmentsWrite, role: .manager, for: ModalClientMethods.workspaceSetDefaultEnvironment)
    guard !name.isEmpty else {
      throw ServerError(.invalidArgument, "Name the environment to make the default, for example `main`.")
    }
    let environment = try await resolve(name, in: caller.workspace)
    // audit: workspace setting default-environment changed (actor caller, target environment.id)
    try await dependencies.store.setDefaultEnvironment(workspaceID: caller.workspace.id, id: environment.id)
  }
}
