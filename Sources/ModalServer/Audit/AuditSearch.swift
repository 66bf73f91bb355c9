/// The `q` search syntax of the `AuditLog*` RPCs on modal-server: space-separated `key:value`
/// terms, all of which must match.
///
/// - `action:NAME` keeps one action (`action:token.created`) or a group (`action:secret.*`);
///   several `action:` terms keep any of them.
/// - `actor:WHO` keeps entries whose actor has this id, email, service user name or token id.
///
/// Anything else is refused with a message naming the keys, so a typo never silently matches all.
package enum AuditSearch {
  /// The longest query accepted.
  package static let maximumLength = 1000

  /// `query` with the filters of `q` added.
  package static func apply(_ q: String, to query: AuditQuery) throws(ServerError) -> AuditQuery {
    guard q.utf8.count <= maximumLength else {
      throw ServerError(.invalidArgument, "The audit log query has more than \(maximumLength) bytes; shorten it.")
    }
    var query = query
    for term in q.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
      guard let colon = term.firstIndex(of: ":"), term.index(after: colon) < term.endIndex else {
        throw refusal(term)
      }
      let value = String(term[term.index(after: colon)...])
      switch term[..<colon] {
      case "action": query.actions.append(value)
      case "actor": query.actor = value
      default: throw refusal(term)
      }
    }
    return query
  }

  private static func refusal(_ term: Substring) -> ServerError {
    ServerError(
      .invalidArgument,
      "The audit log query term '\(term.prefix(100))' is not understood: use action:NAME (action:token.created, "
        + "action:secret.*) and actor:EMAIL-OR-ID, separated by spaces.")
  }
}
