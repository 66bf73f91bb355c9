import Dispatch
import Foundation

/// Tells a running `modal-server serve` about changes another process committed to the same SQLite
/// file (the `modal-server flow approve` and `token revoke` commands), through a Unix datagram
/// socket in the data folder. A datagram carries one `StoreEvent` and nothing secret; the server
/// then reads from the store, so a stray datagram can at most cause one extra read.
///
/// With PostgreSQL and several replicas the same role falls to `LISTEN`/`NOTIFY` (`PostgresListener`).
package enum LocalEventSocket {
  /// The socket's file name in the data folder.
  package static let socketName = "events.sock"

  /// Sends `event` to the server serving `dataDirectory`, if one listens; never fails.
  package static func send(dataDirectory: String, event: StoreEvent) {
    let text = event.wireText
    let path = dataDirectory + "/" + socketName
    let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
    guard fd >= 0 else { return }
    defer { close(fd) }
    _ = withSocketAddress(path) { address, length in
      text.withCString { bytes in sendto(fd, bytes, strlen(bytes), Int32(MSG_DONTWAIT), address, length) }
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

/// The receiving end of `LocalEventSocket`: binds the socket and calls `onEvent` with each event received.
// DispatchSource is thread-safe (cancel may be called from any thread); it is not annotated Sendable.
package final class LocalEventListener: @unchecked Sendable {
  private let source: any DispatchSourceRead
  /// The socket path.
  package let path: String

  /// Binds `<dataDirectory>/events.sock` (replacing a stale one) and starts listening.
  package init(dataDirectory: String, onEvent: @escaping @Sendable (StoreEvent) -> Void) throws(ServerError) {
    let path = dataDirectory + "/" + LocalEventSocket.socketName
    let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
    guard fd >= 0 else { throw ServerError(.internal, "Could not create the event socket.") }
    unlink(path)
    let bound = LocalEventSocket.withSocketAddress(path) { address, length in bind(fd, address, length) }
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
    let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: DispatchQueue(label: "modal-server.local-events"))
    source.setEventHandler {
      var buffer = [UInt8](repeating: 0, count: 256)
      while true {
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 0 else { break }
        if let event = StoreEvent(wireText: String(decoding: buffer[..<count], as: UTF8.self)) { onEvent(event) }
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
  package func stop() { source.cancel() }
}
