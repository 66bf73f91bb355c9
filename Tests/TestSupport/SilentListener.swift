#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A TCP listener on 127.0.0.1 that never answers: connections complete (the kernel accepts them
/// into the backlog) but no byte ever comes back, like a server that hangs or a black-holing proxy.
public final class SilentListener: @unchecked Sendable {
  private let fd: Int32
  /// The port it listens on.
  public let port: Int

  /// Listens on a free port; fails the test run if the socket cannot be set up.
  public init() {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    precondition(fd >= 0, "socket() failed")
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(fd, pointer, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, pointer, &length) == 0
      }
    }
    precondition(bound, "could not listen on 127.0.0.1")
    self.fd = fd
    port = Int(UInt16(bigEndian: address.sin_port))
  }

  /// The URL of the listener: `http://127.0.0.1:<port>`.
  public var url: String { "http://127.0.0.1:\(port)" }

  deinit { close(fd) }
}
