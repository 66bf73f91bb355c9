import Dispatch
import Foundation

/// Tells a running `modal-server serve` that a flow was approved by another process (the
/// `modal-server flow approve` command), through a Unix datagram socket in the data folder. The
/// datagram carries only the flow id; the server then reads the flow from the store, so a
/// stray datagram can at most cause one extra read.
///
/// With PostgreSQL and several replicas the same role falls to `LISTEN`/`NOTIFY`.
public enum FlowNotifier {
  /// The socket's file name in the data folder.
  public static let socketName = "flow-events.sock"

  /// Sends `flowID` to the server serving `dataDirectory`, if one listens; never fails.
  public static func notify(dataDirectory: String, flowID: String) {
    let path = dataDirectory + "/" + socketName
    let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
    guard fd >= 0 else { return }
    defer { close(fd) }
    _ = withSocketAddress(path) { address, length in
      flowID.withCString { bytes in sendto(fd, bytes, strlen(bytes), Int32(MSG_DONTWAIT), address, length) }
    }
  }

  /// Calls `body` with a `sockaddr_un` for `path`; `nil` if the path is too long for one.
  static func withSocketAddress<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T? {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    guard bytes.count < capacity else { return nil }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: bytes)
      raw[bytes.count] = 0
    }
    return withUnsafePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
  }
}

/// The receiving end of `FlowNotifier`: binds the socket and calls `onFlow` with each flow id received.
// DispatchSource is thread-safe (cancel may be called from any thread); it is not annotated Sendable.
public final class FlowEventListener: @unchecked Sendable {
  private let source: any DispatchSourceRead
  /// The socket path.
  public let path: String

  /// Binds `<dataDirectory>/flow-events.sock` (replacing a stale one) and starts listening.
  public init(dataDirectory: String, onFlow: @escaping @Sendable (String) -> Void) throws(ServerError) {
    let path = dataDirectory + "/" + FlowNotifier.socketName
    let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
    guard fd >= 0 else { throw ServerError(.internal, "Could not create the flow event socket.") }
    unlink(path)
    let bound = FlowNotifier.withSocketAddress(path) { address, length in bind(fd, address, length) }
    guard bound == 0 else {
      close(fd)
      throw ServerError(
        .failedPrecondition,
        bound == nil
          ? "The data folder path is too long for a Unix socket (\(path)); use a shorter --data-dir."
          : "Could not bind \(path): \(String(cString: strerror(errno))).")
    }
    chmod(path, 0o600)
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: DispatchQueue(label: "modal-server.flow-events"))
    source.setEventHandler {
      var buffer = [UInt8](repeating: 0, count: 256)
      while true {
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 0 else { break }
        let flowID = String(decoding: buffer[..<count], as: UTF8.self)
        if flowID.hasPrefix("tf-") && flowID.count <= 64 { onFlow(flowID) }
      }
    }
    source.setCancelHandler {
      close(fd)
      unlink(path)
    }
    source.resume()
    self.source = source
    self.path = path
  }

  /// Stops listening and removes the socket.
  public func stop() { source.cancel() }
}
