import Foundation

/// One permission a token can carry. Scopes narrow what a token may do; the owner's role in the
/// workspace narrows it further (a call needs both).
package enum Scope: String, Sendable, Hashable, CaseIterable, Comparable {
  /// Everything the owner's role allows.
  case all
  /// Read-only access: `environments:read`, `secrets:read` and `tokens:read`.
  case read
  /// List the tokens of the workspace (own tokens; owners see every token).
  case tokensRead = "tokens:read"
  /// List and revoke tokens (`tokens:read` plus TokenDelete).
  case tokens
  /// List secrets and read their metadata (names, keys, dates; never values).
  case secretsRead = "secrets:read"
  /// Create, update and delete secrets (implies `secrets:read`).
  case secretsWrite = "secrets:write"
  /// List and look up environments.
  case environmentsRead = "environments:read"
  /// Create, rename and delete environments (implies `environments:read`).
  case environmentsWrite = "environments:write"

  /// The scopes this one grants besides itself.
  package var implied: Set<Scope> {
    switch self {
    case .all: Set(Scope.allCases)
    case .read: [.tokensRead, .secretsRead, .environmentsRead]
    case .tokens: [.tokensRead]
    case .secretsWrite: [.secretsRead]
    case .environmentsWrite: [.environmentsRead]
    case .tokensRead, .secretsRead, .environmentsRead: []
    }
  }

  /// What the scope lets a holder do, in words (the OAuth consent page lists these).
  package var explanation: String {
    switch self {
    case .all: "Do everything your role in the workspace allows"
    case .read: "Read tokens, secrets (names and keys, never values) and environments"
    case .tokensRead: "List API tokens"
    case .tokens: "List and revoke API tokens"
    case .secretsRead: "List secrets and read their names and keys (never their values)"
    case .secretsWrite: "Create, change and delete secrets"
    case .environmentsRead: "List and look up environments"
    case .environmentsWrite: "Create, rename and delete environments"
    }
  }

  /// Orders by declaration (for stable output).
  package static func < (lhs: Scope, rhs: Scope) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }
}

/// The scopes of one token.
package struct ScopeSet: Sendable, Hashable, CustomStringConvertible {
  /// The scopes as granted (not expanded).
  package let scopes: Set<Scope>

  /// Creates a set from scopes.
  package init(_ scopes: Set<Scope>) { self.scopes = scopes }

  /// The scope set of a full-access token.
  package static let all = ScopeSet([.all])

  /// Parses a comma-separated list (`read,secrets:write`); throws `invalidArgument` naming an
  /// unknown scope and listing the known ones.
  package init(parsing text: String) throws(ServerError) {
    var scopes = Set<Scope>()
    for part in text.split(separator: ",") {
      let name = part.trimmingCharacters(in: .whitespaces)
      if name.isEmpty { continue }
      guard let scope = Scope(rawValue: name) else {
        throw ServerError(
          .invalidArgument,
          "Unknown scope '\(name)'. Known scopes: \(Scope.allCases.map(\.rawValue).joined(separator: ", ")).")
      }
      scopes.insert(scope)
    }
    guard !scopes.isEmpty else {
      throw ServerError(.invalidArgument, "A token needs at least one scope (for example `all` or `read`).")
    }
    self.scopes = scopes
  }

  /// Whether the set grants `scope`, directly or through an implying scope.
  package func grants(_ scope: Scope) -> Bool {
    scopes.contains { $0 == scope || $0.implied.contains(scope) }
  }

  /// The scopes sorted and comma-separated (how the store keeps them).
  package var description: String { scopes.sorted().map(\.rawValue).joined(separator: ",") }
}
