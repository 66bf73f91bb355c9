#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Finds a loopback TCP port that nothing listens on (bound, then released).
public enum FreePort {
  /// A currently free port on 127.0.0.1.
  public static func find() throws -> Int {
    let (fd, port) = try boundSocket()
    close(fd)
    return port
  }

  /// A TCP socket bound to a free port of 127.0.0.1, and the port; the caller closes it.
  static func boundSocket() throws -> (descriptor: Int32, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw StandInError(message: "socket() failed") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else {
      close(fd)
      throw StandInError(message: "bind() failed")
    }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
  }
}
