import Modal

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

  /// How long the lookup for `modal profile activate` may take in all, including the profile's
  /// `token_secret_command`: activation is done before it starts, so it must not hold the prompt.
  static let defaultEnvironmentBudget: Duration = .seconds(3)

  /// The server's default environment for a profile's workspace, or nil on any failure or when
  /// ``defaultEnvironmentBudget`` runs out.
  func defaultEnvironment(profile: String) async -> String? {
    let deadline = ContinuousClock.now + Self.defaultEnvironmentBudget
    let client = try? await CLIClients.make(
      invocation, profile: profile, tokenSecretCommandTimeout: Self.defaultEnvironmentBudget)
    let remaining = deadline - ContinuousClock.now
    guard let client, remaining > .zero else { return nil }
    // Nil on any failure, silently as in Python: the profile is already active, this only names its environment.
    let environment = try? await client.environments.get(options: CallOptions(retry: .none, timeout: remaining))
    guard let name = environment?.name, !name.isEmpty else { return nil }
    return name
  }

  private func workspace(profile: String, useEnvironment: Bool) async -> String {
    let client: ModalClient
    do {
      guard let (tokenID, tokenSecret) = try await credentials(profile: profile, useEnvironment: useEnvironment) else {
        return "Unknown (authentication failure)"
      }
      let serverURL = try config.string(.serverURL, profile: profile, useEnvironment: useEnvironment)
      client = try await CLIClients.make(
        invocation, tokenID: tokenID, tokenSecret: tokenSecret, profile: profile, serverURL: serverURL)
    } catch {
      // A profile without a usable secret (half a pair, a failing token_secret_command) is an
      // authentication failure, as a missing token is in Python.
      if error.code == .missingCredentials { return "Unknown (authentication failure)" }
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

  /// The token pair for a lookup: with `useEnvironment`, each key as Python reads it (variable,
  /// then profile); without, only the profile's keys, its secret possibly printed by its
  /// `token_secret_command` (given the lookup's 3 s budget, so a hanging command cannot hold up
  /// the list). Nil when there is none.
  private func credentials(profile: String, useEnvironment: Bool) async throws(ModalError) -> (String, String)? {
    guard useEnvironment else {
      let resolver = CredentialResolver(config: config, secretCommandTimeout: Self.defaultEnvironmentBudget)
      return try await resolver.profileCredentials(profile).map { ($0.tokenID, $0.tokenSecret) }
    }
    guard let tokenID = try config.string(.tokenID, profile: profile), !tokenID.isEmpty,
      let tokenSecret = try config.string(.tokenSecret, profile: profile), !tokenSecret.isEmpty
    else { return nil }
    return (tokenID, tokenSecret)
  }
}
