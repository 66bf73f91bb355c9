/// A failure of a server operation: a code that maps to a gRPC status, a message for the caller
/// and, when something specific helps, what to do about it.
///
/// Messages never contain token secrets, wait secrets, passwords or secret values.
package struct ServerError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What kind of failure it is; each maps to one gRPC status code.
  package enum Code: String, Sendable, Hashable, CaseIterable {
    /// The request is malformed or a value breaks a rule (INVALID_ARGUMENT).
    case invalidArgument
    /// Missing, malformed, unknown, wrong, expired or revoked credentials (UNAUTHENTICATED).
    case unauthenticated
    /// Authenticated, but the token's scopes or the caller's role do not allow it (PERMISSION_DENIED).
    case permissionDenied
    /// The object does not exist, or belongs to another workspace (NOT_FOUND).
    case notFound
    /// The object already exists (ALREADY_EXISTS).
    case alreadyExists
    /// The object is not in a state that allows the operation (FAILED_PRECONDITION).
    case failedPrecondition
    /// The server does not offer this (UNIMPLEMENTED).
    case unimplemented
    /// A limit was reached (RESOURCE_EXHAUSTED).
    case resourceExhausted
    /// A concurrent change won a race the operation kept losing; trying again can succeed (ABORTED).
    case aborted
    /// The store failed or an invariant broke (INTERNAL).
    case `internal`
    /// The store is busy or shutting down; retry (UNAVAILABLE).
    case unavailable
  }

  /// What kind of failure it is.
  package var code: Code
  /// What happened, in one or two sentences, safe to show to the caller.
  package var message: String
  /// Whether the call's log line is written (false for failed token checks past their budget,
  /// see `FailedTokenChecks`).
  package var logged = true

  /// Creates an error.
  package init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  /// The message.
  package var description: String { message }
}
