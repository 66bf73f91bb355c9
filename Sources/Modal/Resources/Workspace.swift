import ModalAPI
import ProtoWire

extension ModalClient {
  /// The administration of the client's workspace: members, member tokens, proxy tokens
  /// (`proxyTokens`, in ProxyTokens.swift) and settings.
  public var workspace: Workspace { Workspace(client: self) }
}

/// The workspace the client's token belongs to, as `modal workspace …` and Python's
/// `modal.Workspace.from_context()` manage it.
///
/// ```swift
/// for member in try await client.workspace.members.list() where member.role == .owner {
///   print(member.email)
/// }
/// ```
public struct Workspace: Sendable {
  let client: ModalClient

  /// The members of the workspace.
  public var members: WorkspaceMembers { WorkspaceMembers(client: client) }
  /// The settings of the workspace.
  public var settings: WorkspaceSettings { WorkspaceSettings(client: client) }
  /// The members' API tokens.
  public var memberTokens: MemberTokens { MemberTokens(client: client) }
}

/// The API tokens of a workspace's members, as Python's `Workspace.member_tokens` sees them:
/// managers and owners see and manage every token, others their own (`TokensList`, `TokenDelete`,
/// `TokenDisable`, `TokenEnable`).
public struct MemberTokens: Sendable {
  let client: ModalClient

  /// The tokens in the order the server lists them (Python does not sort them).
  public func list(options: CallOptions = .standard) async throws(ModalError) -> [TokenSummary] {
    try await client.call(ModalClientMethods.tokensList, Empty(), options: options).tokens.map(TokenSummary.init)
  }

  /// Deletes (revokes) a token at once; with `allowMissing`, a token that does not exist is no error.
  public func delete(_ tokenID: String, allowMissing: Bool = false, options: CallOptions = .standard) async throws(ModalError) {
    do {
      try await client.tokens.revoke(tokenID, options: options)
    } catch where error.code == .notFound && allowMissing {
      return
    }
  }

  /// Disables tokens: they are refused, with a message saying they are disabled, until
  /// ``enable(_:options:)``. Disabling a disabled token is no error; all change or none do.
  public func disable(_ tokenIDs: [String], options: CallOptions = .standard) async throws(ModalError) {
    let request = TokenDisableRequest(tokenIds: Self.unique(tokenIDs))
    _ = try await client.call(ModalClientMethods.tokenDisable, request, options: options)
  }

  /// Enables disabled tokens again. Enabling an enabled token is no error; a deleted one cannot be enabled.
  public func enable(_ tokenIDs: [String], options: CallOptions = .standard) async throws(ModalError) {
    let request = TokenEnableRequest(tokenIds: Self.unique(tokenIDs))
    _ = try await client.call(ModalClientMethods.tokenEnable, request, options: options)
  }

  /// `ids` without repeats, in their first order (Python sends a set).
  package static func unique(_ ids: [String]) -> [String] {
    var seen = Set<String>()
    return ids.filter { seen.insert($0).inserted }
  }
}

/// The settings of a workspace (`WorkspaceSettings`, `WorkspaceSetDefaultEnvironment`).
public struct WorkspaceSettings: Sendable {
  let client: ModalClient

  /// The names `set(_:to:)` accepts, as Python lists them.
  public static let names = ["default-environment", "image-builder-version"]

  /// The current values: `default-environment` and `image-builder-version` (empty on a
  /// modal-server, which builds no images).
  public func list(options: CallOptions = .standard) async throws(ModalError) -> [(name: String, value: String)] {
    let response = try await client.call(ModalClientMethods.workspaceSettings, Empty(), options: options)
    return [("default-environment", response.defaultEnvironmentName), ("image-builder-version", response.imageBuilderVersion)]
  }

  /// Changes one setting; needs the role manager or owner.
  ///
  /// - Throws: ``ModalError`` (`invalidArgument`) for a name not in ``names``.
  public func set(_ name: String, to value: String, options: CallOptions = .standard) async throws(ModalError) {
    switch name {
    case "default-environment":
      let request = WorkspaceSetDefaultEnvironmentRequest(environmentName: value)
      _ = try await client.call(ModalClientMethods.workspaceSetDefaultEnvironment, request, options: options)
    case "image-builder-version":
      // Sent as Python sends it, so the server says why it refuses.
      let request = WorkspaceSetImageBuilderVersionRequest(newImageBuilderVersion: value)
      _ = try await client.call(ModalClientMethods.workspaceSetImageBuilderVersion, request, options: options)
    default:
      throw ModalError(
        .invalidArgument, "Unknown setting '\(name)'. Valid settings: \(Self.names.joined(separator: ", "))")
    }
  }
}

/// The members of a workspace (`WorkspaceMembersList`).
public struct WorkspaceMembers: Sendable {
  let client: ModalClient

  /// Every member, sorted by name as Python's `Workspace.members.list()` sorts them. Any member may
  /// call it.
  public func list(options: CallOptions = .standard) async throws(ModalError) -> [WorkspaceMember] {
    try await client.call(ModalClientMethods.workspaceMembersList, Empty(), options: options).members
      .sorted { $0.memberDisplayname < $1.memberDisplayname }
      .map(WorkspaceMember.init)
  }
}

/// One member of a workspace.
public struct WorkspaceMember: Sendable, Hashable {
  /// A member's role in the workspace, named as Python's CLI names it.
  public enum Role: String, Sendable, Hashable {
    /// Reads, uses secrets, manages own tokens.
    case member
    /// Also manages secrets and environments.
    case manager
    /// Also manages every token, members and service users.
    case owner
    /// A role this SDK does not know (the server is newer).
    case unknown
  }

  /// The member's display name.
  public var name: String
  /// The member's email.
  public var email: String
  /// The user's id (`us-…`).
  public var userID: String
  /// The member's role.
  public var role: Role
  /// When the member joined.
  public var joinedAt: UnixTime?
  /// When the member was last active; nil when never.
  public var lastActiveAt: UnixTime?

  init(_ item: WorkspaceMembersListItem) {
    name = item.memberDisplayname
    email = item.email
    userID = item.userID
    switch item.memberRole {
    case .user: role = .member
    case .manager: role = .manager
    case .owner: role = .owner
    default: role = .unknown
    }
    joinedAt = UnixTime(ifSet: item.joinedAt)
    lastActiveAt = UnixTime(ifSet: item.lastActiveAt)
  }
}
