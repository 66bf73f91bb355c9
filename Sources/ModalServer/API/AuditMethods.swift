import ModalAPI
import ProtoWire
import RPC

/// AuditLogList, AuditLogCount, AuditLogPlan, AuditLogSettingsGet: the workspace's audit log, for
/// managers and owners.
extension MethodTable {
  mutating func registerAuditMethods() {
    let service = backend.audit

    authenticated(ModalClientMethods.auditLogList) { request, caller, _ throws(ServerError) in
      var query = try AuditSearch.apply(
        request.q, to: try auditQuery(caller, oldestMs: request.oldestMs, newestMs: request.newestMs))
      query.limit = Int(min(request.limit, UInt32(AuditService.maximumPageSize)))
      if let newest = request.newestCursor { query.beforeSequence = newest.eventAtDesc }
      if let oldest = request.oldestCursor { query.fromSequence = oldest.eventAtDesc }
      let entries = try await service.page(query, for: caller, method: ModalClientMethods.auditLogList.methodName)
      var response = AuditLogListResponse()
      response.items = entries.map(wireEntry)
      let pageSize = query.limit <= 0 ? AuditService.defaultPageSize : query.limit
      if entries.count == pageSize, let last = entries.last { response.nextCursor = cursor(last) }
      return response
    }

    authenticated(ModalClientMethods.auditLogCount) { request, caller, _ throws(ServerError) in
      let query = try AuditSearch.apply(
        request.q, to: try auditQuery(caller, oldestMs: request.oldestMs, newestMs: request.newestMs))
      let count = try await service.count(query, for: caller, method: ModalClientMethods.auditLogCount.methodName)
      return AuditLogCountResponse(count: Int64(count))
    }

    authenticated(ModalClientMethods.auditLogPlan) { request, caller, _ throws(ServerError) in
      var query = try AuditSearch.apply(
        request.q, to: try auditQuery(caller, oldestMs: request.oldestMs, newestMs: request.newestMs))
      // Buckets are read as pages, so they are at most a page long.
      let bucketSize = min(request.bucketSize, UInt32(AuditService.maximumPageSize))
      query.limit = bucketSize == 0 ? AuditLogSettings.bucketSize : Int(bucketSize)
      var response = AuditLogPlanResponse()
      // A cut after every full bucket, walking newest to oldest; the last bucket is the remainder.
      for _ in 0..<AuditLogSettings.maximumBuckets {
        let bucket = try await service.page(query, for: caller, method: ModalClientMethods.auditLogPlan.methodName)
        guard bucket.count == query.limit, let last = bucket.last else { break }
        response.cursors.append(cursor(last))
        query.beforeSequence = last.sequence
      }
      return response
    }

    authenticated(ModalClientMethods.auditLogSettingsGet) { _, caller, _ throws(ServerError) in
      try service.checkReader(caller, for: ModalClientMethods.auditLogSettingsGet.methodName)
      return AuditLogSettingsGetResponse(
        bucketSize: UInt32(AuditLogSettings.bucketSize), pageSize: UInt32(AuditService.defaultPageSize),
        maxConcurrentRequests: 4, maxBufferedBuckets: 4, requestTimeoutSecs: 30, planTimeoutSecs: 60)
    }
  }
}

/// What AuditLogSettingsGet tells clients, and the bounds of AuditLogPlan.
private enum AuditLogSettings {
  static let bucketSize = AuditService.maximumPageSize
  /// A plan cuts at most this many buckets (the rest is the last bucket).
  static let maximumBuckets = 1000
}

/// The caller's workspace log between two times in Unix milliseconds (0: unbounded).
private func auditQuery(_ caller: Caller, oldestMs: Int64, newestMs: Int64) throws(ServerError) -> AuditQuery {
  let bound: Int64 = 1 << 43  // milliseconds beyond year 280,000: no real time
  guard (0...bound).contains(oldestMs), (0...bound).contains(newestMs) else {
    throw ServerError(.invalidArgument, "oldest_ms and newest_ms are Unix milliseconds, 0 or more.")
  }
  var query = AuditQuery(workspaceID: caller.workspace.id)
  if oldestMs > 0 { query.since = UnixTime(microseconds: oldestMs * 1000) }
  if newestMs > 0 { query.until = UnixTime(microseconds: newestMs * 1000) }
  return query
}

/// Where a page ends: the entry's position, passed back unchanged as a cursor.
private func cursor(_ entry: AuditEntry) -> AuditLogCursor {
  AuditLogCursor(eventAtDesc: entry.sequence, id: entry.id)
}

/// The wire form of an entry. Facts Modal's schema has no field for (the token, the target's
/// name, the source of a server command, how many coalesced events) go in `metadata_json`.
private func wireEntry(_ entry: AuditEntry) -> AuditLogEntry {
  var wire = AuditLogEntry()
  wire.id = entry.id
  let email = entry.actor.kind == .user ? entry.actor.name : ""
  wire.actor = AuditLogActor(type: entry.actor.kind.rawValue, id: entry.actor.id, name: entry.actor.name, email: email)
  wire.action = entry.action.rawValue
  wire.targets = [AuditLogTarget(type: entry.target.kind, id: entry.target.id)]
  var context = AuditLogContext()
  context.workspaceID = entry.workspaceID?.rawValue ?? ""
  context.source = entry.actor.source == "sdk" || entry.actor.source == "web" ? entry.actor.source : "unknown"
  context.ipAddress = entry.actor.address
  wire.context = context
  wire.eventAt = entry.time.iso8601
  wire.status = entry.outcome.rawValue
  var metadata = entry
  if !entry.target.name.isEmpty { metadata.detail["target_name"] = entry.target.name }
  if let token = entry.actor.tokenID { metadata.detail["token_id"] = token.rawValue }
  if context.source == "unknown" { metadata.detail["source"] = entry.actor.source }
  if entry.count > 1 { metadata.detail["count"] = String(entry.count) }
  wire.metadataJson = metadata.detailJSON
  return wire
}
