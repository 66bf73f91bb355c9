/// A person who can sign in and own tokens.
package struct User: Sendable, Hashable {
  /// `us-` + 22 base62.
  package var id: UserID
  /// The sign-in address, lower-cased, unique.
  package var email: String
  /// The argon2id hash of the password (`crypto_pwhash_str` format); `nil` until one is set.
  package var passwordHash: String?
  /// When the account was created.
  package var createdAt: UnixTime

  /// Creates a user record.
  package init(id: UserID, email: String, passwordHash: String?, createdAt: UnixTime) {
    self.id = id
    self.email = email
    self.passwordHash = passwordHash
    self.createdAt = createdAt
  }
}

/// A workspace: the unit that owns environments, secrets and tokens.
package struct Workspace: Sendable, Hashable {
  /// `ac-` + 22 base62.
  package var id: WorkspaceID
  /// The unique name (also the `username` the API reports, and the default profile name).
  package var name: String
  /// Personal or shared.
  package var kind: WorkspaceKind
  /// When it was created.
  package var createdAt: UnixTime

  /// Creates a workspace record.
  package init(id: WorkspaceID, name: String, kind: WorkspaceKind, createdAt: UnixTime) {
    self.id = id
    self.name = name
    self.kind = kind
    self.createdAt = createdAt
  }
}

/// The outcome of changing or ending a membership, decided inside the store's transaction so that
/// concurrent changes (on several replicas) can never leave a workspace without an owner.
package enum MembershipChange: Sendable, Hashable {
  /// The change was made.
  case done
  /// The user is not a member of the workspace.
  case notMember
  /// The user is the workspace's last owner; the change would leave it without one.
  case lastOwner
}

/// What a database says about the server keys a replica brings (`Store.registerKeys`).
package enum KeyRegistration: Sendable, Hashable {
  /// The keys match what the database knows (unknown new keys, such as a rotation's, were recorded).
  case accepted
  /// A key has an id the database knows but other key material: the key file was edited or
  /// belongs to another server.
  case differs(keyID: String)
  /// The database knows keys and none of them is in the key file: another server's key file.
  case unknown(known: [String])
}

/// What became of an attempt to turn an approved login flow into its token.
package enum FlowConsumption: Sendable, Hashable {
  /// The token was stored and the flow is used up.
  case consumed
  /// The flow was not in the approved state (someone else consumed it, or it is gone).
  case notApproved
  /// The user who approved it is no longer a member of the workspace: no token, and the flow was
  /// deleted (a later re-adding must not bring the approval back).
  case approverNotMember
}

/// A user's role in a workspace.
package struct Membership: Sendable, Hashable {
  /// The workspace.
  package var workspaceID: WorkspaceID
  /// The user.
  package var userID: UserID
  /// What the user may do there.
  package var role: Role
  /// When the user joined.
  package var createdAt: UnixTime

  /// Creates a membership record.
  package init(workspaceID: WorkspaceID, userID: UserID, role: Role, createdAt: UnixTime) {
    self.workspaceID = workspaceID
    self.userID = userID
    self.role = role
    self.createdAt = createdAt
  }
}

/// A non-human member of one workspace (for CI and automation); it only acts through tokens.
package struct ServiceUser: Sendable, Hashable {
  /// `su-` + 22 base62.
  package var id: ServiceUserID
  /// The workspace it belongs to.
  package var workspaceID: WorkspaceID
  /// Unique within the workspace.
  package var name: String
  /// Its role in the workspace.
  package var role: Role
  /// The user who created it.
  package var createdByUserID: UserID
  /// When it was created.
  package var createdAt: UnixTime
  /// Whether it acts only where an environment role is assigned to it (`EnvironmentAccess`):
  /// service users created through the API are, as in Modal.
  package var scoped: Bool

  /// Creates a service-user record.
  package init(
    id: ServiceUserID, workspaceID: WorkspaceID, name: String, role: Role, createdByUserID: UserID, createdAt: UnixTime,
    scoped: Bool = false
  ) {
    self.id = id
    self.workspaceID = workspaceID
    self.name = name
    self.role = role
    self.createdByUserID = createdByUserID
    self.createdAt = createdAt
    self.scoped = scoped
  }
}

/// An environment of a workspace (every workspace starts with `main`, the default).
package struct Environment: Sendable, Hashable {
  /// `en-` + 22 base62.
  package var id: EnvironmentID
  /// The workspace.
  package var workspaceID: WorkspaceID
  /// Unique within the workspace.
  package var name: String
  /// Whether an empty environment name resolves to this one.
  package var isDefault: Bool
  /// The web suffix (empty for the default environment).
  package var webhookSuffix: String
  /// When it was created.
  package var createdAt: UnixTime

  /// Creates an environment record.
  package init(id: EnvironmentID, workspaceID: WorkspaceID, name: String, isDefault: Bool, webhookSuffix: String, createdAt: UnixTime) {
    self.id = id
    self.workspaceID = workspaceID
    self.name = name
    self.isDefault = isDefault
    self.webhookSuffix = webhookSuffix
    self.createdAt = createdAt
  }
}

/// Who a token acts as.
package enum TokenOwner: Sendable, Hashable {
  /// A user, with their role in the token's workspace.
  case user(id: UserID)
  /// A service user of the token's workspace.
  case serviceUser(id: ServiceUserID)

  /// The owner's id as stored (the `owner_id` column) and sent, whichever kind of owner it is.
  package var rawID: String {
    switch self {
    case .user(let id): id.rawValue
    case .serviceUser(let id): id.rawValue
    }
  }
}

/// A stored API token. The secret itself is never stored: only its keyed hash.
package struct TokenRecord: Sendable, Hashable {
  /// `ak-` + 22 base62; the lookup key.
  package var id: TokenID
  /// The workspace it acts in.
  package var workspaceID: WorkspaceID
  /// The user or service user it acts as.
  package var owner: TokenOwner
  /// The user who created it (`nil` for tokens made by the command line without a user).
  package var createdByUserID: UserID?
  /// A label ("laptop", "ci").
  package var name: String
  /// HMAC-SHA-256 of the secret under the hashing key `hashKeyID`, hex.
  package var secretHash: String
  /// Which server key made `secretHash`.
  package var hashKeyID: String
  /// The last 4 characters of the secret, for recognising it (`as-****3f9Q`).
  package var secretHint: String
  /// What it may do.
  package var scopes: ScopeSet
  /// When it was created.
  package var createdAt: UnixTime
  /// When it stops working (`nil`: never).
  package var expiresAt: UnixTime?
  /// When it was last used (as last flushed to the store).
  package var lastUsedAt: UnixTime?
  /// When it was revoked (`nil`: not revoked).
  package var revokedAt: UnixTime?
  /// When it was disabled (`nil`: enabled); unlike revocation, undone by enabling it.
  package var disabledAt: UnixTime?
  /// The unkeyed SHA-256 of the secret, hex, written for new tokens only (`modal token scan
  /// --check-server` compares it); not read back with the record.
  package var secretFingerprint: String?

  /// Creates a token record.
  package init(
    id: TokenID, workspaceID: WorkspaceID, owner: TokenOwner, createdByUserID: UserID?, name: String, secretHash: String,
    hashKeyID: String, secretHint: String, scopes: ScopeSet, createdAt: UnixTime, expiresAt: UnixTime?,
    lastUsedAt: UnixTime? = nil, revokedAt: UnixTime? = nil, disabledAt: UnixTime? = nil
  ) {
    self.id = id
    self.workspaceID = workspaceID
    self.owner = owner
    self.createdByUserID = createdByUserID
    self.name = name
    self.secretHash = secretHash
    self.hashKeyID = hashKeyID
    self.secretHint = secretHint
    self.scopes = scopes
    self.createdAt = createdAt
    self.expiresAt = expiresAt
    self.lastUsedAt = lastUsedAt
    self.revokedAt = revokedAt
    self.disabledAt = disabledAt
  }
}

/// Where a login flow stands.
package enum TokenFlowState: String, Sendable, Hashable {
  /// Waiting for a user to approve it.
  case pending
  /// Approved; the next `TokenFlowWait` mints the token.
  case approved
  /// The token was handed out; the flow cannot be used again.
  case consumed
}

/// A browser login flow (`modal token new`): created by `TokenFlowCreate`, approved by a user,
/// consumed by `TokenFlowWait`.
package struct TokenFlowRecord: Sendable, Hashable {
  /// `tf-` + 22 base62.
  package var id: FlowID
  /// The user code, 8 letters of the RFC 8628 alphabet, stored without the dash.
  package var code: String
  /// HMAC-SHA-256 of the wait secret, hex.
  package var waitSecretHash: String
  /// Which server key made `waitSecretHash`.
  package var hashKeyID: String
  /// Where it stands.
  package var state: TokenFlowState
  /// When it was created.
  package var createdAt: UnixTime
  /// When it can no longer be approved or waited for.
  package var expiresAt: UnixTime
  /// The longest life the new token may have, in seconds (`nil`: no bound).
  package var tokenLifetimeSeconds: Int64?
  /// The port of the CLI's local helper server (a same-machine hint).
  package var localhostPort: Int32
  /// `utm_source` from the request.
  package var utmSource: String
  /// `next_url` from the request.
  package var nextURL: String
  /// The machine name the CLI sent (`x-modal-node`), for the approval page.
  package var requestingNode: String
  /// The network peer that created the flow, for the approval page.
  package var requestingPeer: String
  /// Who approved it.
  package var approvedByUserID: UserID?
  /// For which workspace.
  package var approvedWorkspaceID: WorkspaceID?
  /// When.
  package var approvedAt: UnixTime?
  /// The token handed out.
  package var tokenID: TokenID?
  /// When it was handed out.
  package var consumedAt: UnixTime?

  /// Creates a pending flow record.
  package init(
    id: FlowID, code: String, waitSecretHash: String, hashKeyID: String, createdAt: UnixTime, expiresAt: UnixTime,
    tokenLifetimeSeconds: Int64?, localhostPort: Int32, utmSource: String, nextURL: String, requestingNode: String,
    requestingPeer: String
  ) {
    self.id = id
    self.code = code
    self.waitSecretHash = waitSecretHash
    self.hashKeyID = hashKeyID
    self.state = .pending
    self.createdAt = createdAt
    self.expiresAt = expiresAt
    self.tokenLifetimeSeconds = tokenLifetimeSeconds
    self.localhostPort = localhostPort
    self.utmSource = utmSource
    self.nextURL = nextURL
    self.requestingNode = requestingNode
    self.requestingPeer = requestingPeer
  }
}

/// A named (or ephemeral) set of key/value pairs in one environment.
package struct SecretRecord: Sendable, Hashable {
  /// `st-` + 22 base62.
  package var id: SecretID
  /// The workspace.
  package var workspaceID: WorkspaceID
  /// The environment.
  package var environmentID: EnvironmentID
  /// The name; `nil` for ephemeral secrets.
  package var name: String?
  /// The keys, sorted (values are kept encrypted, apart).
  package var keys: [String]
  /// Who created it, as shown by `modal secret list` (the user's email or the service user's name).
  package var createdBy: String
  /// When it was created; unique within its environment (pagination relies on it).
  package var createdAt: UnixTime
  /// When its values last changed.
  package var updatedAt: UnixTime
  /// When it was last looked up by name (as last flushed).
  package var lastUsedAt: UnixTime?
  /// When an ephemeral secret disappears.
  package var expiresAt: UnixTime?

  /// Creates a secret record.
  package init(
    id: SecretID, workspaceID: WorkspaceID, environmentID: EnvironmentID, name: String?, keys: [String], createdBy: String,
    createdAt: UnixTime, updatedAt: UnixTime, lastUsedAt: UnixTime? = nil, expiresAt: UnixTime? = nil
  ) {
    self.id = id
    self.workspaceID = workspaceID
    self.environmentID = environmentID
    self.name = name
    self.keys = keys
    self.createdBy = createdBy
    self.createdAt = createdAt
    self.updatedAt = updatedAt
    self.lastUsedAt = lastUsedAt
    self.expiresAt = expiresAt
  }
}

/// The encrypted values of a secret: `Sodium.seal` of the JSON object, with the key id.
package struct SealedValues: Sendable, Hashable {
  /// Which server key encrypted them.
  package var keyID: String
  /// Nonce and ciphertext (stored as BLOB/BYTEA, schema version 6).
  package var ciphertext: [UInt8]

  /// Creates sealed values.
  package init(keyID: String, ciphertext: [UInt8]) {
    self.keyID = keyID
    self.ciphertext = ciphertext
  }
}

/// A dashboard sign-in session (the dashboard comes later; the table exists now).
package struct SessionRecord: Sendable, Hashable {
  /// HMAC-SHA-256 of the session id (the cookie value is never stored), hex.
  package var idHash: String
  /// The signed-in user.
  package var userID: UserID
  /// When it was created.
  package var createdAt: UnixTime
  /// When it ends.
  package var expiresAt: UnixTime
  /// When its user last proved a second factor in it (at sign-in or since), if ever.
  package var secondFactorAt: UnixTime?

  /// Creates a session record.
  package init(idHash: String, userID: UserID, createdAt: UnixTime, expiresAt: UnixTime, secondFactorAt: UnixTime? = nil) {
    self.idHash = idHash
    self.userID = userID
    self.createdAt = createdAt
    self.expiresAt = expiresAt
    self.secondFactorAt = secondFactorAt
  }
}

/// A token and the email of the user who created it, as the dashboard's tokens page lists them.
package struct TokenWithCreator: Sendable {
  /// The token.
  package var token: TokenRecord
  /// The creator's email; `nil` when nobody did (a flow or bootstrap token has one) or the user is gone.
  package var creatorEmail: String?
}

/// A workspace and a user's role in it, as the dashboard's home and approval pages list them.
package struct WorkspaceWithRole: Sendable, Hashable {
  /// The workspace.
  package var workspace: Workspace
  /// The user's role there.
  package var role: Role
}

/// A membership and its user, as the members page lists them.
package struct MemberWithUser: Sendable, Hashable {
  /// The user.
  package var user: User
  /// Their membership (role, since when).
  package var membership: Membership
}

/// A service user and the email of the user who created it (`nil` when that user is gone).
package struct ServiceUserWithCreator: Sendable, Hashable {
  /// The service user.
  package var serviceUser: ServiceUser
  /// The creator's email.
  package var creatorEmail: String?
}
