import Modal
import RPC

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The local page of the login flow: `GET /` on 127.0.0.1 answers the flow id (text/plain, CORS
/// `*`), so the web page can tell that the browser runs on the machine that started the login.
///
/// It listens on 127.0.0.1 only (deliberate difference D5; Python listens on every interface),
/// on a port the system picks, and serves until ``stop()``. Each connection is answered on its own
/// and has one second in all to send its request line and headers, so a slow or hostile local
/// client can neither delay other requests nor hold up the end of the login; at most
/// ``maximumConnections`` are served at once, later ones are closed at once.
final class LocalFlowPage: Sendable {
  /// The port it listens on.
  let port: Int
  /// Connections answered at the same time.
  static let maximumConnections = 8
  /// The time a connection has to send its request line and headers.
  static let requestDeadline: Duration = .seconds(1)
  private let socketFD: Int32
  private let flowID = Locked<String?>(nil)
  private let stopped = Locked(false)
  private let open = Locked(0)
  private let finished = DispatchCountingSemaphore(value: 0)

  /// Listens on 127.0.0.1 with a free port and starts serving on a thread of its own.
  init() throws(ModalError) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ModalError(.connection, "Cannot open a local socket for the login page.") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
      }
    }
    guard bound else {
      close(fd)
      throw ModalError(.connection, "Cannot listen on 127.0.0.1 for the login page.")
    }
    self.socketFD = fd
    self.port = Int(UInt16(bigEndian: address.sin_port))
    LibDispatch.async(label: "modal.login.local-page") { [self] in serve() }
  }

  /// Starts answering `GET /` with the flow id (before this it answers 503).
  func publish(flowID id: String) { flowID.withLock { $0 = id } }

  /// Stops accepting and closes the listening socket (within about 0.1 s); connections still
  /// being answered finish on their own within their deadline.
  func stop() {
    let already = stopped.withLock { state -> Bool in
      defer { state = true }
      return state
    }
    guard !already else { return }
    finished.wait()
    close(socketFD)
  }

  deinit { stop() }

  private func serve() {
    defer { finished.signal() }
    while !stopped.withLock({ $0 }) {
      var entry = pollfd(fd: socketFD, events: Int16(POLLIN), revents: 0)
      guard poll(&entry, 1, 100) > 0 else { continue }
      let client = accept(socketFD, nil, nil)
      guard client >= 0 else { continue }
      let admitted = open.withLock { count -> Bool in
        guard count < Self.maximumConnections else { return false }
        count += 1
        return true
      }
      guard admitted else {
        close(client)
        continue
      }
      // A queue of its own per connection: serial queues get a thread of their own when they
      // need one (the global pool's few threads could all be blocked elsewhere).
      LibDispatch.async(label: "modal.login.local-page.connection") { [self] in
        answer(client)
        close(client)
        open.withLock { $0 -= 1 }
      }
    }
  }

  /// Reads the request line and headers (until a blank line, 16 KiB or the deadline), then answers.
  private func answer(_ client: Int32) {
    let deadline = ContinuousClock.now + Self.requestDeadline
    var request: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 2048)
    while request.count < 16384, !Self.hasHeaderEnd(request) {
      let left = deadline - ContinuousClock.now
      let milliseconds = Int32(max(0, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
      var entry = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
      guard milliseconds > 0, poll(&entry, 1, milliseconds) > 0 else { return }  // too slow: no answer
      let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
      if count <= 0 { break }
      request += buffer[0..<count]
    }
    let line = String(decoding: request.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
    let parts = line.split(separator: " ")
    let method = parts.first.map(String.init) ?? ""
    let path = parts.count > 1 ? parts[1].split(separator: "?", maxSplits: 1).first.map(String.init) ?? "" : ""
    var response: (status: String, body: String)
    switch (method, path) {
    case ("GET", "/"), ("HEAD", "/"):
      response = flowID.withLock({ $0 }).map { ("200 OK", $0) } ?? ("503 Service Unavailable", "The login flow is not ready yet.")
    case ("GET", _), ("HEAD", _):
      response = ("404 Not Found", "Not Found")
    default:
      response = ("405 Method Not Allowed", "Method Not Allowed")
    }
    let bytes = Array(Self.response(status: response.status, body: response.body, withBody: method != "HEAD").utf8)
    var sent = 0
    while sent < bytes.count {
      let count = bytes.withUnsafeBytes { send(client, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
      if count <= 0 { break }
      sent += count
    }
  }

  /// Whether `request` holds the blank line that ends the headers.
  static func hasHeaderEnd(_ request: [UInt8]) -> Bool {
    guard request.count >= 4 else { return false }
    for index in 0...(request.count - 4)
    where request[index] == 13 && request[index + 1] == 10 && request[index + 2] == 13 && request[index + 3] == 10 {
      return true
    }
    return false
  }

  private static func response(status: String, body: String, withBody: Bool) -> String {
    "HTTP/1.1 \(status)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n"
      + "Access-Control-Allow-Origin: *\r\nAllow: GET, HEAD\r\nConnection: close\r\n\r\n" + (withBody ? body : "")
  }
}
