import Foundation

extension AuditEntry {
  /// The entry as one JSON object (the export's line, for a SIEM): stable keys, times as ISO 8601
  /// and microseconds, no secret.
  package var jsonObject: [String: Any] {
    var actor: [String: Any] = [
      "type": self.actor.kind.rawValue, "id": self.actor.id, "name": self.actor.name,
    ]
    if let tokenID = self.actor.tokenID { actor["token_id"] = tokenID.rawValue }
    var object: [String: Any] = [
      "id": id, "sequence": sequence, "time": time.iso8601, "time_us": time.microseconds, "action": action.rawValue,
      "actor": actor, "target": ["type": target.kind, "id": target.id, "name": target.name],
      "address": self.actor.address, "source": self.actor.source, "outcome": outcome.rawValue, "detail": detail,
      "count": count,
    ]
    if let workspaceID { object["workspace_id"] = workspaceID.rawValue }
    if let subjectUserID { object["subject_user_id"] = subjectUserID.rawValue }
    return object
  }

  /// `jsonObject` as one line of text (sorted keys, no slashes escaped), without the newline.
  package var jsonLine: String {
    let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? JSONSerialization.data(withJSONObject: jsonObject, options: options) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }
}
