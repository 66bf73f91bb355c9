/// The id of one kind of stored record (`UserID`, `TokenID`, ...): a string on the wire and in
/// the database, a type of its own in the code, so that passing a workspace id where a user id
/// belongs does not compile.
///
/// `description` is the raw value, so log lines and messages print an id exactly as the string did.
package struct RecordID<Kind: RecordKind>: Hashable, Sendable, CustomStringConvertible {
  /// The id as stored and sent.
  package let rawValue: String

  /// Wraps an id as stored or received (not checked: lookups of a malformed id find nothing).
  package init(rawValue: String) { self.rawValue = rawValue }

  /// The raw value.
  package var description: String { rawValue }

  /// A new random id: the kind's prefix and 22 base62 characters (`RandomText.identifier`).
  package static func random() -> Self { Self(rawValue: RandomText.identifier(Kind.prefix)) }
}

/// A kind of record with ids of its own; only a marker, never instantiated.
package protocol RecordKind: Sendable {
  /// The prefix of new ids of this kind (`us-`, `ac-`, ...).
  static var prefix: String { get }
}

/// The kinds of records, one per id type.
package enum RecordKinds {
  /// `User`.
  package enum User: RecordKind { package static var prefix: String { "us-" } }
  /// `Workspace`.
  package enum Workspace: RecordKind { package static var prefix: String { "ac-" } }
  /// `ServiceUser`.
  package enum ServiceUser: RecordKind { package static var prefix: String { "su-" } }
  /// `Environment`.
  package enum Environment: RecordKind { package static var prefix: String { "en-" } }
  /// `TokenRecord`; its ids also have a fixed length (`TokenFormat`).
  package enum Token: RecordKind { package static var prefix: String { TokenFormat.idPrefix } }
  /// `SecretRecord`.
  package enum Secret: RecordKind { package static var prefix: String { "st-" } }
  /// `TokenFlowRecord`.
  package enum Flow: RecordKind { package static var prefix: String { "tf-" } }
  /// `ProxyTokenRecord` (Modal's webhook tokens).
  package enum ProxyToken: RecordKind { package static var prefix: String { "wk-" } }
  /// `FederationPolicy` (workload identity federation).
  package enum FederationPolicy: RecordKind { package static var prefix: String { "fp-" } }
  /// `OAuthAppRecord`: Modal's OAuth client ids start with `oc-`.
  package enum OAuthApp: RecordKind { package static var prefix: String { "oc-" } }
  /// `OAuthGrantRecord`.
  package enum OAuthGrant: RecordKind { package static var prefix: String { "og-" } }
  /// `OAuthCodeRecord`.
  package enum OAuthCode: RecordKind { package static var prefix: String { "oa-" } }
}

/// The id of a `User`: `us-` + 22 base62.
package typealias UserID = RecordID<RecordKinds.User>
/// The id of a `Workspace`: `ac-` + 22 base62.
package typealias WorkspaceID = RecordID<RecordKinds.Workspace>
/// The id of a `ServiceUser`: `su-` + 22 base62.
package typealias ServiceUserID = RecordID<RecordKinds.ServiceUser>
/// The id of an `Environment`: `en-` + 22 base62.
package typealias EnvironmentID = RecordID<RecordKinds.Environment>
/// The id of a `TokenRecord`: `ak-` + 22 base62, public, the lookup key.
package typealias TokenID = RecordID<RecordKinds.Token>
/// The id of a `SecretRecord`: `st-` + 22 base62.
package typealias SecretID = RecordID<RecordKinds.Secret>
/// The id of a `TokenFlowRecord`: `tf-` + 22 base62.
package typealias FlowID = RecordID<RecordKinds.Flow>
/// The id of a `ProxyTokenRecord`: `wk-` + 22 base62, public, sent as `Modal-Key`.
package typealias ProxyTokenID = RecordID<RecordKinds.ProxyToken>
/// The id of a `FederationPolicy`: `fp-` + 22 base62.
package typealias FederationPolicyID = RecordID<RecordKinds.FederationPolicy>
/// The id of an `OAuthAppRecord` (its OAuth client id): `oc-` + 22 base62, public, sent as
/// `x-modal-oauth-client-id`.
package typealias OAuthClientID = RecordID<RecordKinds.OAuthApp>
/// The id of an `OAuthGrantRecord`: `og-` + 22 base62, the lookup key inside its refresh token.
package typealias OAuthGrantID = RecordID<RecordKinds.OAuthGrant>
/// The id of an `OAuthCodeRecord`: `oa-` + 22 base62, the lookup key inside its authorization code.
package typealias OAuthCodeID = RecordID<RecordKinds.OAuthCode>
