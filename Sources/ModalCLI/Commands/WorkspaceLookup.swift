import Modal
import ModalAPI

/// Looks up workspace names and default environments for `modal profile list` and `activate`,
/// concurrently and with the Python client's 3-second limit and wording for failures.
struct WorkspaceLookup {
  let invocation: Invocation
  let config: ModalConfig

  /// The workspace of each profile, using only the profile's own settings (not the environment).
  func profileWorkspaces(_ names: [String]) async -> [String: String] {
    await withTaskGroup(of: (String, String).self) { group in
      for name in names {
        group.addTask { (name, await self.workspace(profile: name, useEnvironment: false)) }
      }
      return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
    }
  }

  /// The workspace of the credentials the environment variables select.
  func environmentWorkspace() async -> String {
    await workspace(profile: config.profileName, useEnvironment: true)
  }

  /// The server's default environment for a profile's workspace, or nil on any failure.
  func defaultEnvironment(profile: String) async -> String? {
    guard let client = try? CLIClients.make(invocation, profile: profile) else { return nil }
    let response = try? await client.call(
      ModalClientMethods.environmentGetOrCreate, EnvironmentGetOrCreateRequest(),
      options: CallOptions(retry: .none, timeout: .seconds(3)))
    guard let name = response?.metadata?.name, !name.isEmpty else { return nil }
    return name
  }

  private func workspace(profile: String, useEnvironment: Bool) async -> String {
    let client: ModalClient
    do {
      let tokenID = try config.string(.tokenID, profile: profile, useEnvironment: useEnvironment)
      let tokenSecret = try config.string(.tokenSecret, profile: profile, useEnvironment: useEnvironment)
      guard let tokenID, let tokenSecret, !tokenID.isEmpty, !tokenSecret.isEmpty else {
        return "Unknown (authentication failure)"
      }
      let serverURL = try config.string(.serverURL, profile: profile, useEnvironment: useEnvironment)
      client = try CLIClients.make(
        invocation, tokenID: tokenID, tokenSecret: tokenSecret, profile: profile, serverURL: serverURL)
    } catch {
      return useEnvironment ? "Unknown (invalid credential configuration)" : "Unknown (profile misconfigured)"
    }
    do {
      return try await client.workspaceName(timeout: .seconds(3))
    } catch {
      switch error.code {
      case .authentication: return "Unknown (authentication failure)"
      case .timeout: return "Unknown (timed out)"
      default: return "Unknown (profile misconfigured)"
      }
    }
  }
}
