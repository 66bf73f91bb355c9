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
    let previous = try await resolve("", in: caller.workspace)
    // Setting the current default again changes nothing, so it records nothing.
    guard !(previous.isDefault && previous.id == environment.id) else { return }
    let entry = AuditEntry(
      .settingChanged, by: caller.auditActor,
      target: AuditTarget(kind: "workspace", id: caller.workspace.id.rawValue, name: caller.workspace.name),
      workspaceID: caller.workspace.id, at: dependencies.clock.now(),
      detail: ["setting": "default-environment", "from": previous.name, "to": environment.name])
    try await dependencies.store.setDefaultEnvironment(workspaceID: caller.workspace.id, id: environment.id, audit: entry)
  }
}
