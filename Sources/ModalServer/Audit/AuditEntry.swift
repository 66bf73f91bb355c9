import Foundation

/// One security event in the audit log: who did what to which object, from where, with what outcome.
///
/// Entries are written in the same store transaction as the change they record (the `audit:`
/// parameter of the store's mutators), so a change and its entry are kept or lost together. They
/// name objects (a secret's name, a token's id) and never hold a secret value, a token secret or a
/// password.
package struct AuditEntry: Sendable, Hashable {
  /// `au-` + 22 base62.
  package var id: String
  /// The position in the log, assigned by the store when written: later entries have larger ones.
  package var sequence: Int64 = 0
  /// When it happened.
  package var time: UnixTime
  /// The workspace it happened in; `nil` for events about an account (sign-ins), which
  /// `subjectUserID` names.
  package var workspaceID: WorkspaceID?
  /// The account an account-level event concerns (shown in the logs of the user's workspaces).
  package var subjectUserID: UserID?
  /// Who did it.
  package var actor: AuditActor
  /// What was done: a stable dotted name (`AuditAction`).
  package var action: AuditAction
  /// What it was done to.
  package var target: AuditTarget
  /// Whether it succeeded.
  package var outcome: AuditOutcome
  /// Further facts (a role, a reason), never a secret.
  package var detail: [String: String]
  /// How many events this entry stands for: more than 1 when a flood of one kind was coalesced.
  package var count: Int64 = 1

  /// Creates an entry with a new id.
  package init(
    _ action: AuditAction, by actor: AuditActor, target: AuditTarget, workspaceID: WorkspaceID?, at time: UnixTime,
    outcome: AuditOutcome = .success, detail: [String: String] = [:], subjectUserID: UserID? = nil
  ) {
    self.id = RandomText.identifier("au-")
    self.time = time
    self.workspaceID = workspaceID
    self.subjectUserID = subjectUserID
    self.actor = actor
    self.action = action
    self.target = target
    self.outcome = outcome
    self.detail = detail
  }

  /// `detail` as a JSON object with sorted keys (how it is stored and exported).
  package var detailJSON: String {
    guard !detail.isEmpty, let data = try? JSONSerialization.data(withJSONObject: detail, options: [.sortedKeys])
    else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }

  /// `detail` read back from its JSON text (an empty dictionary for anything else).
  static func detail(fromJSON text: String) -> [String: String] {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]) ?? [:]
  }
}

/// Who did something: a user, a service user, someone not signed in, or the server's operator.
package struct AuditActor: Sendable, Hashable {
  /// The kind of actor, as Modal's `AuditLogActor.type` names them where it has a name.
  package enum Kind: String, Sendable, Hashable, CaseIterable {
    /// A user (through a token or a dashboard session).
    case user
    /// A service user, through its token.
    case serviceUser = "service_user"
    /// Someone not signed in (a failed sign-in).
    case anonymous
    /// The server itself or its operator (`modal-server` commands on the host).
    case system
  }

  /// The kind of actor.
  package var kind: Kind
  /// The user's or service user's id; empty for anonymous and system actors.
  package var id: String
  /// The user's email or the service user's name; what an anonymous actor claimed to be.
  package var name: String
  /// The token the actor authenticated with, if any.
  package var tokenID: TokenID?
  /// The network address the request came from (without the port); empty when unknown.
  package var address: String
  /// Where the request came from: `sdk` (the gRPC API), `web` (the dashboard) or `cli` (a
  /// `modal-server` command on the host).
  package var source: String

  /// Creates an actor.
  package init(kind: Kind, id: String, name: String, tokenID: TokenID? = nil, address: String, source: String) {
    self.kind = kind
    self.id = id
    self.name = name
    self.tokenID = tokenID
    self.address = address
    self.source = source
  }

  /// The operator running a `modal-server` command on the host.
  package static let serverOperator = AuditActor(kind: .system, id: "", name: "modal-server", address: "", source: "cli")

  /// A signed-in dashboard user.
  package static func webUser(_ user: User, peer: String) -> AuditActor {
    AuditActor(kind: .user, id: user.id.rawValue, name: user.email, address: FlowStartLimiter.address(of: peer), source: "web")
  }
}

/// What an event was done to.
package struct AuditTarget: Sendable, Hashable {
  /// `token`, `secret`, `user`, `service_user`, `flow`, `workspace`.
  package var kind: String
  /// Its id.
  package var id: String
  /// Its name where it has one (a secret's name, a member's email); never a secret value.
  package var name: String

  /// Creates a target.
  package init(kind: String, id: String, name: String = "") {
    self.kind = kind
    self.id = id
    self.name = name
  }

  /// A token.
  package static func token(_ id: TokenID, name: String = "") -> AuditTarget {
    AuditTarget(kind: "token", id: id.rawValue, name: name)
  }
  /// A user (a member, or the account of a sign-in).
  package static func user(_ user: User) -> AuditTarget { AuditTarget(kind: "user", id: user.id.rawValue, name: user.email) }
  /// A proxy token, by id and name.
  package static func proxyToken(_ id: ProxyTokenID, name: String) -> AuditTarget {
    AuditTarget(kind: "proxy_token", id: id.rawValue, name: name)
  }
  /// A workload identity federation policy, by id and name.
  package static func federationPolicy(_ policy: FederationPolicy) -> AuditTarget {
    AuditTarget(kind: "federation_policy", id: policy.id.rawValue, name: policy.terms.name)
  }
  /// A secret, by name.
  package static func secret(_ id: SecretID, name: String?) -> AuditTarget {
    AuditTarget(kind: "secret", id: id.rawValue, name: name ?? "")
  }
}

/// Whether an audited event succeeded (Modal's `AuditLogEntry.status`).
package enum AuditOutcome: String, Sendable, Hashable {
  /// It was done.
  case success
  /// It was refused or failed (a wrong password).
  case error
}

/// The name of an audited action: stable and dotted (`token.created`), so filters and SIEM rules
/// written against it keep working. `docs/server.md` lists them.
package struct AuditAction: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
  /// The dotted name.
  package let rawValue: String
  /// Wraps a name.
  package init(rawValue: String) { self.rawValue = rawValue }
  /// The dotted name.
  package var description: String { rawValue }

  /// A password was accepted and a dashboard session started.
  package static let signInSucceeded = AuditAction(rawValue: "signin.succeeded")
  /// A password was wrong (or the account unknown); coalesced per address and minute.
  package static let signInFailed = AuditAction(rawValue: "signin.failed")
  /// A token was created (dashboard, login flow, `modal-server token create`).
  package static let tokenCreated = AuditAction(rawValue: "token.created")
  /// A token was revoked.
  package static let tokenRevoked = AuditAction(rawValue: "token.revoked")
  /// A token authenticated from an address it had not been used from before.
  package static let tokenUsedFromNewAddress = AuditAction(rawValue: "token.used_from_new_address")
  /// A login flow (`modal token new`) was approved in the dashboard.
  package static let loginApproved = AuditAction(rawValue: "login.approved")
  /// A user was added to a workspace.
  package static let memberAdded = AuditAction(rawValue: "member.added")
  /// A member's role was changed.
  package static let memberRoleChanged = AuditAction(rawValue: "member.role_changed")
  /// A member was removed (and their tokens there revoked).
  package static let memberRemoved = AuditAction(rawValue: "member.removed")
  /// A secret was created.
  package static let secretCreated = AuditAction(rawValue: "secret.created")
  /// A secret's keys or values were changed.
  package static let secretUpdated = AuditAction(rawValue: "secret.updated")
  /// A secret was deleted.
  package static let secretDeleted = AuditAction(rawValue: "secret.deleted")
  /// An authenticator app (TOTP) was enrolled, with new recovery codes.
  package static let totpEnrolled = AuditAction(rawValue: "secondfactor.totp_enrolled")
  /// The authenticator app was removed.
  package static let totpRemoved = AuditAction(rawValue: "secondfactor.totp_removed")

  /// A proxy token was created.
  package static let proxyTokenCreated = AuditAction(rawValue: "proxy_token.created")
  /// A proxy token was renamed.
  package static let proxyTokenRenamed = AuditAction(rawValue: "proxy_token.renamed")
  /// A proxy token was allowed in an environment (`detail["environment"]`).
  package static let proxyTokenAllowed = AuditAction(rawValue: "proxy_token.environment_allowed")
  /// A proxy token's access to an environment was taken away (`detail["environment"]`).
  package static let proxyTokenDisallowed = AuditAction(rawValue: "proxy_token.environment_revoked")
  /// A proxy token was deleted.
  package static let proxyTokenDeleted = AuditAction(rawValue: "proxy_token.deleted")
  /// A workload identity federation policy was added.
  package static let federationPolicyAdded = AuditAction(rawValue: "federation.policy_added")
  /// A federation policy was removed (and the tokens it minted revoked).
  package static let federationPolicyRemoved = AuditAction(rawValue: "federation.policy_removed")
  /// An OIDC token was exchanged for a token (success) or refused (error, with the reason).
  package static let federationExchange = AuditAction(rawValue: "federation.exchange")

  /// Every action this server records, in the order `docs/server.md` lists them.
  package static let all: [AuditAction] = [
    signInSucceeded, signInFailed, tokenCreated, tokenRevoked, tokenUsedFromNewAddress, loginApproved, memberAdded,
    memberRoleChanged, memberRemoved, secretCreated, secretUpdated, secretDeleted, totpEnrolled, totpRemoved,
    proxyTokenCreated, proxyTokenRenamed, proxyTokenAllowed, proxyTokenDisallowed, proxyTokenDeleted,
    federationPolicyAdded, federationPolicyRemoved, federationExchange,
  ]
}
