#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Raw TCP connections to 127.0.0.1, for tests that speak HTTP by hand (slow clients, idle
/// connections, ambiguous requests).
public enum LoopbackSocket {
  /// A connected socket to 127.0.0.1:`port` whose reads time out after `receiveTimeout` seconds,
  /// or -1; the caller closes it. `source` (another loopback address such as 127.0.0.7) is the
  /// client address the server sees.
  public static func open(port: Int, receiveTimeout: Int = 10, source: String? = nil) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return -1 }
    if let source, !bindSource(fd, source) {
      close(fd)
      return -1
    }
    var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
      close(fd)
      return -1
    }
    return fd
  }

  /// Sends `request` on a new connection and returns everything answered until the peer closed
  /// (or the read timed out); blocking, so call it off Swift's cooperative pool.
  public static func exchange(port: Int, _ request: [UInt8], receiveTimeout: Int = 10, source: String? = nil) -> [UInt8] {
    let fd = open(port: port, receiveTimeout: receiveTimeout, source: source)
    guard fd >= 0 else { return [] }
    defer { close(fd) }
    var sent = 0
    while sent < request.count {
      let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      if n <= 0 { break }
      sent += n
    }
    var answer: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = recv(fd, &buffer, buffer.count, 0)
      if n <= 0 { break }
      answer.append(contentsOf: buffer[0..<n])
    }
    return answer
  }

  private static func bindSource(_ fd: Int32, _ source: String) -> Bool {
    var local = sockaddr_in()
    local.sin_family = sa_family_t(AF_INET)
    local.sin_addr.s_addr = inet_addr(source)
    let bound = withUnsafePointer(to: &local) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return bound == 0
  }
}
