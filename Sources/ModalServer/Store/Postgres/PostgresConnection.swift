import CPostgres
import Foundation

/// One PostgreSQL result row: libpq returns every value as text, which is parsed on demand.
struct PostgresRow: SQLRow {
  fileprivate let result: OpaquePointer
  fileprivate let index: Int32

  func isNull(_ column: Int32) -> Bool { PQgetisnull(result, index, column) != 0 }

  func int(_ column: Int32) -> Int64 {
    guard let value = PQgetvalue(result, index, column) else { return 0 }
    return strtoll(value, nil, 10)
  }

  func text(_ column: Int32) -> String {
    guard let value = PQgetvalue(result, index, column) else { return "" }
    let count = Int(PQgetlength(result, index, column))
    return value.withMemoryRebound(to: UInt8.self, capacity: count) {
      String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
    }
  }

  /// Results come in the text format, where BYTEA is `\x` and hex (or the older escape format,
  /// with `bytea_output = escape`); libpq's own decoder reads both.
  func bytes(_ column: Int32) -> [UInt8] {
    guard let value = PQgetvalue(result, index, column) else { return [] }
    var count = 0
    let decoded = value.withMemoryRebound(to: UInt8.self, capacity: Int(PQgetlength(result, index, column)) + 1) {
      PQunescapeBytea($0, &count)
    }
    guard let decoded else { return [] }
    defer { PQfreemem(decoded) }
    return Array(UnsafeBufferPointer(start: decoded, count: count))
  }
}

/// A libpq connection. Statements use `?` placeholders, numbered (`$1`, `$2`, …) before sending.
/// Not thread-safe: used by one pool borrower at a time (hence `@unchecked Sendable`).
///
/// Nothing here depends on the server session outliving a transaction, so the connection works
/// through a pooler in transaction mode (PgBouncer `pool_mode = transaction`): statements are
/// unnamed (a named prepared statement lives in one server session, which the pooler hands to
/// others), no `options` startup parameter is sent (PgBouncer refuses it), and the timeouts are set
/// with `SET LOCAL` in each transaction. Only `LISTEN` needs a session (`PostgresListener`).
final class PostgresConnection: SQLConnection, @unchecked Sendable {
  private let handle: OpaquePointer
  /// Notices announced by the open transaction (sent with `pg_notify` just before its commit,
  /// delivered at commit).
  private var announced: [StoreEvent] = []
  /// The `statement_timeout` each transaction sets, in milliseconds.
  private var statementTimeoutMilliseconds: Int64 = PostgresConnection.defaultStatementTimeoutMilliseconds
  /// Set once the connection failed; the pool then closes it instead of reusing it.
  private(set) var isBroken = false
  /// How long a statement's reply may take before the connection is given up: the session's
  /// `statement_timeout` plus `replyGrace`, or `nil` (no limit) when the timeout is off.
  private var replyTimeout: Duration?

  /// How long after its `statement_timeout` a silent database is given before the connection is
  /// dropped: a live server has answered by then (with SQLSTATE 57014), a frozen one never will.
  static let replyGrace: Duration = .seconds(2)

  /// The channel every replica listens on.
  static let channel = "modal_server_events"

  /// The statement timeout when the URL (or the role's settings) give none: 15 s.
  static let defaultStatementTimeoutMilliseconds: Int64 = 15_000

  /// How long a transaction may sit idle before PostgreSQL ends the session: 60 s.
  static let idleInTransactionTimeoutMilliseconds: Int64 = 60_000

  /// Connects with `url` (a libpq URI or key=value string); fails with `unavailable` when the
  /// database cannot be reached, so clients retry.
  init(url: String, applicationName: String = "modal-server") throws(ServerError) {
    // Defaults first: settings in the URL override them. Connecting gives up after 3 s; TCP
    // keepalives find a silently dead connection (the listener's included) within about 25 s, and
    // unacknowledged data (a network that drops everything) ends the connection after 20 s.
    let keywords = [
      "connect_timeout", "application_name", "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count",
      "tcp_user_timeout", "dbname",
    ]
    let values = ["3", applicationName, "1", "10", "5", "3", "20000", url]
    let connection = Self.withCStrings(keywords) { keywordPointers in
      Self.withCStrings(values) { valuePointers in PQconnectdbParams(keywordPointers, valuePointers, 1) }
    }
    guard let connection else { throw ServerError(.unavailable, "Could not connect to PostgreSQL: out of memory.") }
    guard PQstatus(connection) == CONNECTION_OK else {
      // libpq quotes the parts of a URL it could not use, which can be pieces of the password.
      let message = PostgresURLRedaction.redact(Self.message(PQerrorMessage(connection)), url: url)
      PQfinish(connection)
      throw ServerError(.unavailable, "Could not connect to PostgreSQL: \(message)")
    }
    // Notices (such as "already exists, skipping") are not errors; they must not reach the log raw.
    PQsetNoticeProcessor(connection, { _, _ in }, nil)
    handle = connection
    // The URL (`options=-c statement_timeout=…`) or the role may set statement_timeout; that value
    // wins over the default, and decides how long replies may take.
    replyTimeout = .milliseconds(Self.defaultStatementTimeoutMilliseconds) + Self.replyGrace
    let milliseconds = try query(
      "SELECT CAST(EXTRACT(EPOCH FROM CAST(current_setting('statement_timeout') AS interval)) * 1000 AS bigint)", []
    ) { row throws(ServerError) in row.int(0) }.first ?? 0
    if milliseconds > 0 { statementTimeoutMilliseconds = milliseconds }
    replyTimeout = .milliseconds(statementTimeoutMilliseconds) + Self.replyGrace
  }

  deinit { PQfinish(handle) }

  /// Where the connection goes, for logs: `host:port/database` (never the password).
  var location: String {
    let host = PQhost(handle).map { String(cString: $0) } ?? "?"
    let port = PQport(handle).map { String(cString: $0) } ?? "?"
    let database = PQdb(handle).map { String(cString: $0) } ?? "?"
    return "\(host.hasPrefix("/") ? "socket " + host : host):\(port)/\(database)"
  }

  /// The socket, for waiting on notifications.
  var socket: Int32 { PQsocket(handle) }

  /// Whether an idle pooled connection can still be used. Nothing is ever sent to an idle
  /// connection that does not listen, so anything to read on it (a server that restarted or ended
  /// the session sends its goodbye, then closes) means it is dead; that is seen here without a
  /// round trip, so no caller's statement fails on a dead connection.
  var isUsable: Bool {
    guard !isBroken, PQstatus(handle) == CONNECTION_OK else { return false }
    var entry = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
    if poll(&entry, 1, 0) != 0 { isBroken = true }
    return !isBroken
  }

  // MARK: Statements

  /// Runs statements without parameters (BEGIN, COMMIT, schema).
  func exec(_ sql: String) throws(ServerError) {
    let result = try reply(toSent: PQsendQuery(handle, sql))
    defer { PQclear(result) }
    try check(result)
  }

  func query<T>(_ sql: String, _ values: [SQLValue], row: (PostgresRow) throws(ServerError) -> T) throws(ServerError) -> [T] {
    let result = try run(sql, values)
    defer { PQclear(result) }
    let count = PQntuples(result)
    var rows: [T] = []
    rows.reserveCapacity(Int(count))
    for index in 0..<count { rows.append(try row(PostgresRow(result: result, index: index))) }
    return rows
  }

  @discardableResult
  func execute(_ sql: String, _ values: [SQLValue]) throws(ServerError) -> Int {
    let result = try run(sql, values)
    defer { PQclear(result) }
    return Int(String(cString: PQcmdTuples(result))) ?? 0
  }

  func lockRow<Kind>(table: String, id: RecordID<Kind>) throws(ServerError) {
    _ = try query("SELECT 1 FROM \(table) WHERE id = ? FOR UPDATE", [.id(id)]) { _ throws(ServerError) in () }
  }

  func lockTable(_ table: String) throws(ServerError) {
    _ = try execute("LOCK TABLE \(table) IN EXCLUSIVE MODE", [])
  }

  func announce(_ event: StoreEvent) throws(ServerError) {
    if !announced.contains(event) { announced.append(event) }
  }

  /// Sends `payload` on the replicas' channel (delivered at commit when in a transaction).
  func notify(_ payload: String) throws(ServerError) {
    _ = try query("SELECT pg_notify(?, ?)", [.text(Self.channel), .text(payload)]) { _ throws(ServerError) in () }
  }

  /// Runs `body` in a transaction (READ COMMITTED; the conditional updates decide races) and
  /// returns its result and the events it announced, which are sent to the other replicas just
  /// before the commit (stamped with the time, for the lag they measure). Rolled back if `body` throws.
  func transaction<T>(_ body: () throws(ServerError) -> T) throws(ServerError) -> (result: T, events: [StoreEvent]) {
    announced = []
    // One round trip, as BEGIN alone: SET LOCAL ends with the transaction, so nothing is left in a
    // server session that a pooler hands to someone else.
    try exec(
      "BEGIN; SET LOCAL statement_timeout = \(statementTimeoutMilliseconds); "
        + "SET LOCAL idle_in_transaction_session_timeout = \(Self.idleInTransactionTimeoutMilliseconds)")
    do {
      let result = try body()
      for event in announced { try notify(ChangeNotice(event).payload) }
      try exec("COMMIT")
      defer { announced = [] }
      return (result, announced)
    } catch {
      if !isBroken { try? exec("ROLLBACK") }
      announced = []
      throw error
    }
  }

  // MARK: Notifications

  /// Reads what arrived on the socket and returns the notifications' payloads on `channel`.
  func receiveNotifications() throws(ServerError) -> [String] {
    guard PQconsumeInput(handle) == 1 else {
      isBroken = true
      throw ServerError(.unavailable, "Lost the PostgreSQL connection: \(Self.message(PQerrorMessage(handle)))")
    }
    var payloads: [String] = []
    while let notice = PQnotifies(handle) {
      if String(cString: notice.pointee.relname) == Self.channel {
        payloads.append(String(cString: notice.pointee.extra))
      }
      PQfreemem(notice)
    }
    return payloads
  }

  // MARK: Internals

  /// Sends `sql` as an unnamed statement (parse, bind and execute in one round trip), which
  /// lives only until the next one: unlike a named prepared statement it cannot collide with
  /// another client's in a pooled server session ("prepared statement "s0" already exists").
  private func run(_ sql: String, _ values: [SQLValue]) throws(ServerError) -> OpaquePointer {
    let text = Self.numberPlaceholders(sql)
    let sent = Self.withParameters(values) { pointers, lengths, formats in
      PQsendQueryParams(handle, text, Int32(values.count), nil, pointers, lengths, formats, 0)
    }
    let result = try reply(toSent: sent)
    do { try check(result) } catch {
      PQclear(result)
      throw error
    }
    guard let result else { throw ServerError(.unavailable, "PostgreSQL returned no result.") }
    return result
  }

  /// Waits for the reply to what `PQsend…` just sent (`sent` is its return value) and returns its
  /// last result, as `PQexec` would; the caller clears it. libpq's blocking calls would wait
  /// forever on a database that stops answering without closing the connection (a frozen host
  /// whose kernel still acknowledges packets), so the wait ends after `replyTimeout`: the
  /// connection is then broken (the pool closes it, which also ends the session's transaction)
  /// and the call fails with `unavailable`.
  private func reply(toSent sent: Int32) throws(ServerError) -> OpaquePointer? {
    guard sent == 1 else {
      isBroken = true
      throw ServerError(.unavailable, "The database is unavailable; retry. (\(Self.message(PQerrorMessage(handle))))")
    }
    let deadline = replyTimeout.map { ContinuousClock.now + $0 }
    var last: OpaquePointer?
    while true {
      while PQisBusy(handle) == 1 {
        do throws(ServerError) {
          try waitForInput(until: deadline)
        } catch {
          PQclear(last)
          throw error
        }
      }
      guard let result = PQgetResult(handle) else { return last }
      // Several statements give several results; an error ends the batch, so the last one counts.
      PQclear(last)
      last = result
    }
  }

  /// Waits until the socket has something to read and reads it into libpq.
  private func waitForInput(until deadline: ContinuousClock.Instant?) throws(ServerError) {
    var milliseconds: Int32 = -1
    if let deadline {
      let remaining = deadline - ContinuousClock.now
      guard remaining > .zero else {
        isBroken = true
        let limit = replyTimeout.map { "\($0)" } ?? "its time"
        throw ServerError(
          .unavailable, "The database did not answer within \(limit) (\(location)); the connection was dropped. Retry.")
      }
      let (seconds, attoseconds) = remaining.components
      milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
    }
    var entry = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
    let ready = poll(&entry, 1, milliseconds)
    if ready < 0 && errno != EINTR || ready > 0 && PQconsumeInput(handle) == 0 {
      isBroken = true
      throw ServerError(.unavailable, "The database is unavailable; retry. (\(Self.message(PQerrorMessage(handle))))")
    }
  }

  /// `?` → `$1`, `$2`, … (the statements never contain `?` inside a string literal).
  static func numberPlaceholders(_ sql: String) -> String {
    var output = ""
    output.reserveCapacity(sql.utf8.count + 16)
    var number = 0
    for character in sql {
      if character == "?" {
        number += 1
        output += "$\(number)"
      } else {
        output.append(character)
      }
    }
    return output
  }

  /// Turns a failed result into a `ServerError`: unique and other constraint violations are
  /// `alreadyExists` (as with SQLite); lost connections, shutdowns, serialization failures and
  /// deadlocks are `unavailable` (retry); anything else `internal`.
  private func check(_ result: OpaquePointer?) throws(ServerError) {
    let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
    if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK { return }
    let state = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) } ?? ""
    let message = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "M"))) }.map { String(cString: $0) }
      ?? Self.message(PQerrorMessage(handle))
    if PQstatus(handle) != CONNECTION_OK { isBroken = true }
    if isBroken || state.hasPrefix("08") || state.hasPrefix("57P") || state == "53300" {
      isBroken = true
      throw ServerError(.unavailable, "The database is unavailable; retry. (\(message))")
    }
    // Serialization failures, deadlocks, lock timeouts and statement timeouts (57014) are the
    // database being busy, not the server failing.
    if state == "40001" || state == "40P01" || state == "55P03" || state == "57014" {
      throw ServerError(.unavailable, "The database was busy; retry. (\(message))")
    }
    if state.hasPrefix("23") { throw ServerError(.alreadyExists, "constraint violated: \(message)") }
    throw ServerError(.internal, "Database error \(state): \(message)")
  }

  private static func message(_ text: UnsafeMutablePointer<CChar>?) -> String {
    guard let text else { return "unknown error" }
    return String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\n", with: " ")
  }

  /// Calls `body` with libpq's parameter arrays: values, lengths and formats. Bytes go in the
  /// binary format (no escaping, no doubling); everything else as text, whose length libpq reads
  /// up to the terminating zero.
  private static func withParameters<R>(
    _ values: [SQLValue],
    _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R
  ) -> R {
    var copies: [UnsafeMutablePointer<CChar>?] = []
    var lengths: [Int32] = []
    var formats: [Int32] = []
    defer { for copy in copies { free(copy) } }
    for value in values {
      var length: Int32 = 0
      switch value {
      case .integer(let number): copies.append(strdup(String(number)))
      case .text(let text): copies.append(strdup(text))
      case .null: copies.append(nil)
      case .bytes(let bytes):
        // At least one byte: malloc(0) may return NULL, which libpq would send as SQL NULL.
        let copy = malloc(max(bytes.count, 1))?.assumingMemoryBound(to: CChar.self)
        bytes.withUnsafeBytes { if let base = $0.baseAddress, let copy { memcpy(copy, base, $0.count) } }
        copies.append(copy)
        length = Int32(bytes.count)
      }
      lengths.append(length)
      formats.append(value.isBytes ? 1 : 0)
    }
    let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
    return pointers.withUnsafeBufferPointer { pointerBuffer in
      lengths.withUnsafeBufferPointer { lengthBuffer in
        formats.withUnsafeBufferPointer { body(pointerBuffer.baseAddress, lengthBuffer.baseAddress, $0.baseAddress) }
      }
    }
  }

  private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    withOptionalCStrings(strings) { body($0) }
  }

  private static func withOptionalCStrings<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0) } ?? nil }
    defer { for copy in copies { free(copy) } }
    var pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
    pointers.append(nil)
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
  }
}
