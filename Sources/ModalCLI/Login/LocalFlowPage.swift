import Dispatch
import Modal

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The local page of the login flow: `GET /` on 127.0.0.1 answers the flow id (text/plain, CORS
/// `*`), so the web page can tell that the browser runs on the machine that started the login.
///
/// It listens on 127.0.0.1 only (deliberate difference D5; Python listens on every interface),
/// on a port the system picks, and serves until ``stop()``.
final class LocalFlowPage: Sendable {
  /// The port it listens on.
  let port: Int
  private let socketFD: Int32
  private let flowID = LockedValue<String?>(nil)
  private let stopped = LockedValue(false)
  private let finished = DispatchSemaphore(value: 0)

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
    let thread = DispatchQueue(label: "modal.login.local-page")
    thread.async { [self] in serve() }
  }

  /// Starts answering `GET /` with the flow id (before this it answers 503).
  func publish(flowID id: String) { flowID.withLock { $0 = id } }

  /// Stops serving and closes the socket; waits for the serving thread.
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
    while !stopped.current {
      var entry = pollfd(fd: socketFD, events: Int16(POLLIN), revents: 0)
      guard poll(&entry, 1, 100) > 0 else { continue }
      let client = accept(socketFD, nil, nil)
      guard client >= 0 else { continue }
      answer(client)
      close(client)
    }
  }

  private func answer(_ client: Int32) {
    var timeout = timeval(tv_sec: 2, tv_usec: 0)
    setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var request: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 2048)
    while request.count < 16384 {
      let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
      if count <= 0 { break }
      request += buffer[0..<count]
      if request.count >= 4, request.suffix(4) == [13, 10, 13, 10] { break }
    }
    let line = String(decoding: request.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
    let parts = line.split(separator: " ")
    let path = parts.count > 1 ? parts[1].split(separator: "?", maxSplits: 1).first.map(String.init) ?? "" : ""
    let response: String
    if parts.first == "GET", path == "/" {
      if let id = flowID.current {
        response = Self.response(status: "200 OK", body: id)
      } else {
        response = Self.response(status: "503 Service Unavailable", body: "The login flow is not ready yet.")
      }
    } else if parts.first == "GET" || parts.first == "HEAD" {
      response = Self.response(status: "404 Not Found", body: "Not Found")
    } else {
      response = Self.response(status: "405 Method Not Allowed", body: "Method Not Allowed")
    }
    let bytes = Array(response.utf8)
    var sent = 0
    while sent < bytes.count {
      let count = bytes.withUnsafeBytes { send(client, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
      if count <= 0 { break }
      sent += count
    }
  }

  private static func response(status: String, body: String) -> String {
    "HTTP/1.1 \(status)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n"
      + "Access-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n" + body
  }
}
