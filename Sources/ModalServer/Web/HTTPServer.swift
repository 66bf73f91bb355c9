import CMicroHTTPD
import Dispatch
import Foundation

/// How an `HTTPServer` listens and what it accepts.
package struct HTTPServerConfiguration: Sendable {
  /// TLS credentials in PEM.
  package struct TLS: Sendable {
    /// The certificate chain, leaf first.
    package var certificatePEM: String
    /// The private key.
    package var privateKeyPEM: String

    /// Creates TLS credentials.
    package init(certificatePEM: String, privateKeyPEM: String) {
      self.certificatePEM = certificatePEM
      self.privateKeyPEM = privateKeyPEM
    }
  }

  /// An IPv4 or IPv6 address (or `localhost`); the server binds only to it.
  package var host: String
  /// The port; 0 picks a free one (see `HTTPServer.port`).
  package var port: Int
  /// HTTPS when set.
  package var tls: TLS?
  /// The largest request body accepted; larger ones get 413.
  package var maximumBodyBytes = 64 * 1024
  /// Memory per connection for the request line and headers (libmicrohttpd answers larger
  /// headers with 431 itself).
  package var connectionMemoryBytes = 32 * 1024
  /// The most simultaneous connections (one thread each).
  package var maximumConnections = 256
  /// The most simultaneous connections from one client IP address (0: no limit), so one client
  /// holding idle connections cannot take them all.
  package var maximumConnectionsPerAddress = 16
  /// Seconds of inactivity after which a connection is closed.
  package var idleTimeoutSeconds = 30
  /// Seconds a connection has to send a whole request head, in all (not restarted by each byte),
  /// from when it opens or its previous request was answered.
  package var headerTimeoutSeconds = 10
  /// Headers added to every response that does not set them itself.
  package var defaultHeaders: [(name: String, value: String)] = []
  /// Called with one line per request (method, path, status, duration; never a query or body).
  package var log: @Sendable (String) -> Void = { _ in }
  /// Turns a request path into the form that is logged (to hide codes in paths).
  package var redactPath: @Sendable (String) -> String = { $0 }

  /// Creates a configuration.
  package init(host: String, port: Int, tls: TLS? = nil) {
    self.host = host
    self.port = port
    self.tls = tls
  }
}

/// Why an HTTP server could not start.
package struct HTTPServerError: Error, Sendable, CustomStringConvertible {
  /// What went wrong.
  package let message: String
  /// The message.
  package var description: String { message }
}

/// An HTTP/1.1 server on libmicrohttpd: one thread per connection (bounded), bounded headers and
/// bodies, idle timeouts, optional TLS (GnuTLS). Each complete request runs the async handler in a
/// task while the connection's own thread waits, so no thread of Swift's cooperative pool ever blocks.
package final class HTTPServer: @unchecked Sendable {
  private let configuration: HTTPServerConfiguration
  private let handler: HTTPHandler
  private let lock = NSLock()
  private var daemon: OpaquePointer?
  private let deadlines: HeadDeadlines
  /// The port actually bound.
  package private(set) var port: Int = 0

  /// Whether this libmicrohttpd was built with TLS support.
  package static var supportsTLS: Bool { MHD_is_feature_supported(.FEATURE_TLS) == .YES }

  /// Starts listening; throws if the address is not an IP address, the port is taken, or TLS
  /// was asked for without support.
  package init(configuration: HTTPServerConfiguration, handler: @escaping HTTPHandler) throws(HTTPServerError) {
    self.configuration = configuration
    self.handler = handler
    deadlines = HeadDeadlines(seconds: configuration.headerTimeoutSeconds, log: configuration.log)
    if configuration.tls != nil && !Self.supportsTLS {
      throw HTTPServerError(message: "This libmicrohttpd was built without TLS support; HTTPS is not available.")
    }
    var flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_THREAD_PER_CONNECTION.rawValue | MHD_USE_POLL.rawValue
    if configuration.tls != nil { flags |= MHD_USE_TLS.rawValue }
    let host = configuration.host == "localhost" ? "127.0.0.1" : configuration.host
    let cls = Unmanaged.passUnretained(self).toOpaque()
    let started: OpaquePointer?
    var v4 = sockaddr_in()
    var v6 = sockaddr_in6()
    let unbracketed = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    guard (0...65535).contains(configuration.port) else { throw HTTPServerError(message: "Bad port \(configuration.port).") }
    if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
      v4.sin_family = sa_family_t(AF_INET)
      v4.sin_port = UInt16(configuration.port).bigEndian
      started = withUnsafePointer(to: &v4) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Self.start(flags: flags, address: $0, configuration, cls) }
      }
    } else if inet_pton(AF_INET6, unbracketed, &v6.sin6_addr) == 1 {
      v6.sin6_family = sa_family_t(AF_INET6)
      v6.sin6_port = UInt16(configuration.port).bigEndian
      flags |= MHD_USE_IPv6.rawValue
      started = withUnsafePointer(to: &v6) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Self.start(flags: flags, address: $0, configuration, cls) }
      }
    } else {
      throw HTTPServerError(message: "The HTTP address must be an IP address or localhost, not '\(configuration.host)'.")
    }
    guard let started else {
      throw HTTPServerError(
        message: "Could not listen on \(configuration.host):\(configuration.port) (address in use, or a bad certificate or key).")
    }
    daemon = started
    deadlines.start()
    let fd = cmhd_listen_fd(started)
    var bound = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let ok = withUnsafeMutablePointer(to: &bound) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    if ok == 0 {
      let family = bound.ss_family
      port = withUnsafePointer(to: &bound) { pointer in
        if family == sa_family_t(AF_INET6) {
          return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
        }
        return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
      }
    } else {
      port = configuration.port
    }
  }

  private static func start(
    flags: UInt32, address: UnsafePointer<sockaddr>, _ configuration: HTTPServerConfiguration, _ cls: UnsafeMutableRawPointer
  ) -> OpaquePointer? {
    let key = configuration.tls.map { strdup($0.privateKeyPEM) } ?? nil
    let cert = configuration.tls.map { strdup($0.certificatePEM) } ?? nil
    // libmicrohttpd keeps pointers to the key and certificate for the daemon's life: they are
    // deliberately never freed (one small allocation per started server).
    return cmhd_start(
      flags, address, UInt32(configuration.maximumConnections), UInt32(max(0, configuration.maximumConnectionsPerAddress)),
      UInt32(configuration.idleTimeoutSeconds),
      configuration.connectionMemoryBytes, key, cert,
      { cls, connection, url, method, version, uploadData, uploadSize, requestState in
        guard let cls, let connection, let url, let method, let version, let uploadSize, let requestState else { return .NO }
        return Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()
          .access(connection, Request(url: url, method: method, version: version), uploadData, uploadSize, requestState)
      }, cls,
      { cls, connection, requestState, _ in
        if let requestState, let state = requestState.pointee, state != uncleanTarget {
          Unmanaged<RequestState>.fromOpaque(state).release()
          requestState.pointee = nil
        }
        if let cls {
          Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue().deadlines.requestCompleted(connectionKey(connection))
        }
      }, cls,
      { cls, connection, _, event in
        guard let cls, let connection else { return }
        let deadlines = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue().deadlines
        if event == .CONNECTION_NOTIFY_STARTED {
          deadlines.opened(connectionKey(connection), socket: cmhd_connection_fd(connection))
        } else {
          deadlines.closed(connectionKey(connection))
        }
      }, cls,
      { _, uri, _ in
        // The raw target, before libmicrohttpd splits and decodes it: what it returns is the
        // request's first state, so a target with blanks reaches `access` marked.
        guard let uri, RequestHeadCheck.isCleanTarget(uri) else { return uncleanTarget }
        return nil
      }, nil)
  }

  /// Stops accepting connections and closes the open ones (waits for running handlers).
  package func stop() {
    let running = lock.withLock { () -> OpaquePointer? in
      let d = daemon
      daemon = nil
      return d
    }
    if let running {
      deadlines.stop()
      MHD_stop_daemon(running)
    }
  }

  deinit { stop() }

  /// What is collected about a request while its body arrives.
  private final class RequestState {
    let started = ContinuousClock.now
    var body: [UInt8] = []
    var tooLarge = false
  }

  /// Collects header or query values through libmicrohttpd's iterator.
  private final class ValueCollector {
    var values: [String: String] = [:]
    /// Names seen more than once, where values are not joined.
    var repeated: Set<String> = []
    let lowercase: Bool
    let join: Bool
    init(lowercase: Bool, join: Bool) {
      self.lowercase = lowercase
      self.join = join
    }
  }

  private func values(_ connection: OpaquePointer, kind: MHD_ValueKind, lowercase: Bool, join: Bool)
    -> (values: [String: String], repeated: Set<String>)
  {
    let collector = ValueCollector(lowercase: lowercase, join: join)
    let pointer = Unmanaged.passUnretained(collector).toOpaque()
    MHD_get_connection_values(
      connection, kind,
      { cls, _, key, value in
        guard let cls, let key else { return .YES }
        let collector = Unmanaged<ValueCollector>.fromOpaque(cls).takeUnretainedValue()
        guard collector.values.count < 100 else { return .NO }
        let name = collector.lowercase ? String(cString: key).lowercased() : String(cString: key)
        let text = value.map { String(cString: $0) } ?? ""
        if collector.join, let existing = collector.values[name] {
          collector.values[name] = existing + ", " + text
        } else {
          if collector.values[name] != nil { collector.repeated.insert(name) }
          collector.values[name] = text
        }
        return .YES
      }, pointer)
    return withExtendedLifetime(collector) { (collector.values, collector.repeated) }
  }

  /// The header lines of a request in order, as received.
  private func fields(_ connection: OpaquePointer) -> [RequestHeadCheck.Field] {
    final class Collector { var fields: [RequestHeadCheck.Field] = [] }
    let collector = Collector()
    MHD_get_connection_values(
      connection, .HEADER_KIND,
      { cls, _, key, value in
        guard let cls, let key else { return .YES }
        let collector = Unmanaged<Collector>.fromOpaque(cls).takeUnretainedValue()
        collector.fields.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
        return .YES
      }, Unmanaged.passUnretained(collector).toOpaque())
    return withExtendedLifetime(collector) { collector.fields }
  }

  /// The request line's parts as libmicrohttpd hands them to the access callback.
  private struct Request {
    let url: UnsafePointer<CChar>
    let method: UnsafePointer<CChar>
    let version: UnsafePointer<CChar>
  }

  /// The head has arrived: refuses what RFC 9112 refuses and bodies announced too large, or
  /// starts collecting the request.
  private func begin(
    _ connection: OpaquePointer, _ line: Request, _ requestState: UnsafeMutablePointer<UnsafeMutableRawPointer?>
  ) -> MHD_Result {
    let state = RequestState()
    let targetIsClean = requestState.pointee == nil
    deadlines.headArrived(connectionKey(connection))
    requestState.pointee = Unmanaged.passRetained(state).toOpaque()
    if let refusal = RequestHeadCheck.refusal(
      version: String(cString: line.version), fields: fields(connection),
      targetIsClean: targetIsClean, linesAreClean: cmhd_head_is_clean(connection) == 1)
    {
      return send(connection, refusal, method: String(cString: line.method), path: String(cString: line.url), started: state.started)
    }
    if let length = MHD_lookup_connection_value(connection, .HEADER_KIND, "Content-Length"),
      let value = Int(String(cString: length)), value > configuration.maximumBodyBytes
    {
      return send(connection, tooLarge(), method: String(cString: line.method), path: String(cString: line.url), started: state.started)
    }
    return .YES
  }

  private func access(
    _ connection: OpaquePointer, _ line: Request,
    _ uploadData: UnsafePointer<CChar>?, _ uploadSize: UnsafeMutablePointer<Int>,
    _ requestState: UnsafeMutablePointer<UnsafeMutableRawPointer?>
  ) -> MHD_Result {
    guard let raw = requestState.pointee, raw != uncleanTarget else { return begin(connection, line, requestState) }
    let state = Unmanaged<RequestState>.fromOpaque(raw).takeUnretainedValue()
    if uploadSize.pointee > 0 {
      let size = uploadSize.pointee
      if !state.tooLarge, let uploadData {
        if state.body.count + size > configuration.maximumBodyBytes {
          state.tooLarge = true
          state.body = []
        } else {
          uploadData.withMemoryRebound(to: UInt8.self, capacity: size) {
            state.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: size))
          }
        }
      }
      uploadSize.pointee = 0
      return .YES
    }
    let methodText = String(cString: line.method)
    let path = String(cString: line.url)
    if state.tooLarge {
      return send(connection, tooLarge(), method: methodText, path: path, started: state.started)
    }
    var peer = ""
    if let address = cmhd_client_address(connection) { peer = Self.format(address) }
    let query = values(connection, kind: .GET_ARGUMENT_KIND, lowercase: false, join: false)
    var request = HTTPRequest(
      method: methodText, path: path, query: query.values,
      headers: values(connection, kind: .HEADER_KIND, lowercase: true, join: true).values, body: state.body,
      isSecure: configuration.tls != nil, peer: peer)
    request.repeatedQueryNames = query.repeated
    let response = Self.runBlocking(handler, request)
    return send(connection, response, method: methodText, path: path, started: state.started)
  }

  private func tooLarge() -> HTTPResponse {
    var response = HTTPResponse.text(413, "The request body is too large (at most \(configuration.maximumBodyBytes) bytes).\n")
    response.add("Connection", "close")
    return response
  }

  /// Runs the async handler in a task and waits on this (libmicrohttpd) thread for its answer.
  private static func runBlocking(_ handler: @escaping HTTPHandler, _ request: HTTPRequest) -> HTTPResponse {
    final class Box: @unchecked Sendable { var response = HTTPResponse(status: 500) }
    let box = Box()
    let done = DispatchSemaphore(value: 0)
    Task {
      box.response = await handler(request)
      done.signal()
    }
    done.wait()
    return box.response
  }

  private func send(
    _ connection: OpaquePointer, _ response: HTTPResponse, method: String, path: String, started: ContinuousClock.Instant
  ) -> MHD_Result {
    var response = response
    for header in configuration.defaultHeaders { response.addIfMissing(header.name, header.value) }
    let created = response.body.withUnsafeBytes { bytes in
      MHD_create_response_from_buffer(bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
    }
    guard let created else { return .NO }
    for header in response.headers {
      // Header values with line breaks would split the response: they never leave the server.
      guard !header.value.contains(where: { $0 == "\r" || $0 == "\n" }) else { continue }
      _ = MHD_add_response_header(created, header.name, header.value)
    }
    let result = MHD_queue_response(connection, UInt32(response.status), created)
    MHD_destroy_response(created)
    let elapsed = ContinuousClock.now - started
    let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    let shownMethod = method.count <= 16 && method.allSatisfy { $0.isLetter } ? method : "?"
    configuration.log(
      "http \(shownMethod) \(LogText.field(configuration.redactPath(String(path.prefix(200))))) \(response.status) \(String(format: "%.1f", milliseconds))ms")
    return result
  }

  private static func format(_ address: UnsafePointer<sockaddr>) -> String {
    var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
    switch Int32(address.pointee.sa_family) {
    case AF_INET:
      return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
        var addr = v4.pointee.sin_addr
        guard inet_ntop(AF_INET, &addr, &buffer, socklen_t(buffer.count)) != nil else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      }
    case AF_INET6:
      return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
        var addr = v6.pointee.sin6_addr
        guard inet_ntop(AF_INET6, &addr, &buffer, socklen_t(buffer.count)) != nil else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      }
    default:
      return ""
    }
  }
}

/// The first state of a request whose raw target held a blank or control byte (never dereferenced).
nonisolated(unsafe) private let uncleanTarget = UnsafeMutableRawPointer(bitPattern: 1)

/// The key of a connection in `HeadDeadlines`: its address.
private func connectionKey(_ connection: OpaquePointer?) -> UInt {
  UInt(bitPattern: Int(bitPattern: connection))
}
