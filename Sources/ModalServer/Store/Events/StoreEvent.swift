/// A committed change that other parts of the server, in this process and in every other replica
/// or command-line process using the same database, must react to at once.
package enum StoreEvent: Sendable, Hashable {
  /// A token was revoked, or something a caller is resolved from changed (a membership, a role, a
  /// service user): remembered callers must be forgotten.
  case credentialsChanged
  /// A login flow changed state (it was approved): its waiting `TokenFlowWait` calls must look again.
  case flowChanged(id: FlowID)
  /// Notices may have been missed (the database connection that listens was lost): forget every
  /// remembered caller and let every waiting call look again.
  case resynchronize

  /// The text form sent between processes (`NOTIFY` payload, datagram).
  package var wireText: String {
    switch self {
    case .credentialsChanged: "credentials"
    case .flowChanged(let id): "flow:" + id.rawValue
    case .resynchronize: "resynchronize"
    }
  }

  /// Parses `wireText`; `nil` for anything else (a stray or forged message is ignored).
  package init?(wireText: String) {
    switch wireText {
    case "credentials": self = .credentialsChanged
    case "resynchronize": self = .resynchronize
    default:
      guard wireText.hasPrefix("flow:tf-"), wireText.utf8.count <= 69 else { return nil }
      let id = wireText.dropFirst(5)
      let allowed = id.utf8.allSatisfy { byte in
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 45
      }
      guard allowed else { return nil }
      self = .flowChanged(id: FlowID(rawValue: String(id)))
    }
  }
}
