#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A server that accepts TCP connections on 127.0.0.1 (the kernel completes them from the listen
/// queue) and never answers: calls to it can only time out.
public final class SilentServer: Sendable {
  private let descriptor: Int32
  /// `http://127.0.0.1:<port>`.
  public let url: String

  /// Starts listening on a free port.
  public init() throws {
    let (fd, port) = try FreePort.boundSocket()
    guard listen(fd, 16) == 0 else {
      close(fd)
      throw StandInError(message: "listen() failed")
    }
    descriptor = fd
    url = "http://127.0.0.1:\(port)"
  }

  deinit { close(descriptor) }
}
