import ModalAPI

extension ModalClient {
  /// The audit log of the client's workspace: who signed in, created or revoked tokens, changed
  /// members or secrets, from where (`AuditLogList`, `AuditLogCount`; managers and owners).
  public var auditLog: AuditLog { AuditLog(client: self) }
}

/// The audit log of a workspace.
///
/// ```swift
/// let filter = AuditLog.Filter(actions: ["token.*"], since: UnixTime(seconds: Date().timeIntervalSince1970 - 86_400))
/// for try await entry in client.auditLog.entries(filter) {
///   print(entry.time, entry.action, entry.actor.name, entry.target.id)
/// }
/// ```
public struct AuditLog: Sendable {
  let client: ModalClient

  /// Which entries to read; every field narrows the result.
  public struct Filter: Sendable, Hashable {
    /// Actions to keep: exact names (`token.created`) or groups (`secret.*`); empty keeps all.
    public var actions: [String]
    /// Keeps entries whose actor has this id, email, service user name or token id.
    public var actor: String?
    /// Keeps entries at or after this time.
    public var since: UnixTime?
    /// Keeps entries before this time.
    public var until: UnixTime?

    /// A filter; with no arguments, every entry.
    public init(actions: [String] = [], actor: String? = nil, since: UnixTime? = nil, until: UnixTime? = nil) {
      self.actions = actions
      self.actor = actor
      self.since = since
      self.until = until
    }

    /// The server's `q` query (`action:NAME actor:WHO`).
    var query: String {
      (actions.map { "action:\($0)" } + (actor.map { ["actor:\($0)"] } ?? [])).joined(separator: " ")
    }
  }

  /// The entries `filter` selects, newest first, fetched `pageSize` at a time as they are read.
  public func entries(_ filter: Filter = Filter(), pageSize: Int = 100, options: CallOptions = .standard) -> AuditLogEntries {
    AuditLogEntries(client: client, filter: filter, pageSize: UInt32(clamping: max(1, pageSize)), options: options)
  }

  /// How many entries `filter` selects (`AuditLogCount`).
  public func count(_ filter: Filter = Filter(), options: CallOptions = .standard) async throws(ModalError) -> Int {
    let request = AuditLogCountRequest(
      q: filter.query, oldestMs: milliseconds(filter.since), newestMs: milliseconds(filter.until))
    return Int(try await client.call(ModalClientMethods.auditLogCount, request, options: options).count)
  }
}

/// Unix milliseconds of a time, 0 when there is none (the API's "unbounded").
func milliseconds(_ time: UnixTime?) -> Int64 {
  guard let time else { return 0 }
  return Int64((time.seconds * 1000).rounded(.down))
}

/// The entries of a workspace's audit log as an `AsyncSequence`, newest first, a page at a time
/// (each page's `next_cursor` asks for the next).
public struct AuditLogEntries: AsyncSequence, Sendable {
  /// One entry.
  public typealias Element = AuditLogRecord

  let client: ModalClient
  let filter: AuditLog.Filter
  let pageSize: UInt32
  let options: CallOptions

  /// Starts reading; nothing is fetched before the first `next()`.
  public func makeAsyncIterator() -> Iterator { Iterator(list: self) }

  /// Every entry, read to the end.
  public func all() async throws(ModalError) -> [AuditLogRecord] {
    var iterator = makeAsyncIterator()
    var entries: [AuditLogRecord] = []
    while let entry = try await iterator.nextEntry() { entries.append(entry) }
    return entries
  }

  /// Reads the log a page at a time.
  public struct Iterator: AsyncIteratorProtocol {
    let list: AuditLogEntries
    var cursor: AuditLogCursor?
    var page: [AuditLogEntry] = []
    var finished = false

    /// The next entry, fetching the next page when this one is used up.
    public mutating func next() async throws -> AuditLogRecord? { try await nextEntry() }

    /// The next entry, with the SDK's typed error.
    public mutating func nextEntry() async throws(ModalError) -> AuditLogRecord? {
      if page.isEmpty && !finished { try await fetch() }
      guard !page.isEmpty else { return nil }
      return AuditLogRecord(page.removeFirst())
    }

    private mutating func fetch() async throws(ModalError) {
      var request = AuditLogListRequest(
        q: list.filter.query, oldestMs: milliseconds(list.filter.since), newestMs: milliseconds(list.filter.until),
        limit: list.pageSize)
      request.newestCursor = cursor
      let response = try await list.client.call(ModalClientMethods.auditLogList, request, options: list.options)
      page = response.items
      cursor = response.nextCursor
      finished = response.nextCursor == nil || response.items.isEmpty
    }
  }
}

/// One audited event: who did what to which object, when, from where, with what outcome.
public struct AuditLogRecord: Sendable, Hashable {
  /// Who did it.
  public struct Actor: Sendable, Hashable {
    /// `user`, `service_user`, `anonymous` (a failed sign-in) or `system` (the server's operator).
    public var type: String
    /// The user's or service user's id.
    public var id: String
    /// The email or service user name.
    public var name: String
  }

  /// What it was done to.
  public struct Target: Sendable, Hashable {
    /// `token`, `secret`, `user`, `flow`, ...
    public var type: String
    /// Its id.
    public var id: String
    /// Its name where it has one (a secret's name, a member's email).
    public var name: String
  }

  /// The entry's id.
  public var id: String
  /// When it happened (to the second).
  public var time: UnixTime?
  /// The dotted action name, such as `token.created`.
  public var action: String
  /// Who did it.
  public var actor: Actor
  /// What it was done to.
  public var target: Target
  /// The client's network address.
  public var address: String
  /// `sdk`, `web` or `unknown`.
  public var source: String
  /// Whether it succeeded.
  public var succeeded: Bool
  /// Further facts (a role, a reason, the token used), never a secret.
  public var details: [String: String]

  init(_ entry: AuditLogEntry) {
    // Details that are not a flat JSON object are left out, not an error: they are extra facts.
    // (Not Foundation's JSONDecoder: importing it put FoundationEssentials into every `modal`
    // start, a third of `modal config show`'s start-up.)
    var parser = JSONObjectParser(text: Array(entry.metadataJson.utf8))
    let members = (try? parser.parseStringObject()) ?? []
    let details = Dictionary(members, uniquingKeysWith: { _, last in last })
    id = entry.id
    time = UnixTime(iso8601: entry.eventAt)
    action = entry.action
    actor = Actor(type: entry.actor?.type ?? "", id: entry.actor?.id ?? "", name: entry.actor?.name ?? "")
    target = Target(
      type: entry.targets.first?.type ?? "", id: entry.targets.first?.id ?? "", name: details["target_name"] ?? "")
    address = entry.context?.ipAddress ?? ""
    source = entry.context?.source ?? ""
    succeeded = entry.status == "success"
    self.details = details
  }
}
