import Dispatch
import RPC

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Collects log lines in memory and writes them to a file descriptor in batches, at most
/// `interval` after they were added (or at once past 64 KiB), so a busy server makes one `write`
/// per batch instead of one per call. `flush()` writes what is pending (before lifecycle lines and
/// at shutdown); a crash loses at most one interval of lines.
// DispatchSource is thread-safe (cancel may be called from any thread); it is not annotated Sendable.
package final class LogWriter: @unchecked Sendable {
  private let descriptor: Int32
  private let pending = Locked([UInt8]())
  private let timer: any DispatchSourceTimer
  private static let threshold = 64 * 1024

  /// A writer to `descriptor` (standard error by default), flushing every `interval`.
  package init(descriptor: Int32 = 2, interval: Duration = .milliseconds(20)) {
    self.descriptor = descriptor
    let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "modal-server.log", qos: .utility))
    let (seconds, attoseconds) = interval.components
    let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
    timer.schedule(deadline: .now(), repeating: .nanoseconds(nanoseconds), leeway: .milliseconds(5))
    self.timer = timer
    let pending = self.pending
    timer.setEventHandler { Self.drain(pending, to: descriptor) }
    timer.resume()
  }

  deinit {
    timer.cancel()
    Self.drain(pending, to: descriptor)
  }

  /// Adds one line (a newline is appended).
  package func write(_ line: String) {
    let large = pending.withLock { buffer in
      buffer.append(contentsOf: line.utf8)
      buffer.append(UInt8(ascii: "\n"))
      return buffer.count >= Self.threshold
    }
    if large { flush() }
  }

  /// Writes every pending line now.
  package func flush() { Self.drain(pending, to: descriptor) }

  private static func drain(_ pending: Locked<[UInt8]>, to descriptor: Int32) {
    // Taking the bytes and writing them under the lock keeps batches in order.
    pending.withLock { buffer in
      guard !buffer.isEmpty else { return }
      buffer.withUnsafeBytes { bytes in
        var offset = 0
        while offset < bytes.count {
          let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
          if written < 0 {
            if errno == EINTR { continue }
            break
          }
          offset += written
        }
      }
      buffer.removeAll(keepingCapacity: true)
    }
  }
}
