/// The tag of one operation batch: whoever takes its event from the queue calls
/// `complete(success:)` exactly once.
///
/// A tag is passed to the core as a retained pointer (`Unmanaged.passRetained`) and released by
/// the taker when its event arrives, so whatever a tag references lives until the batch is done.
/// An object that starts several kinds of batch (a `ServerCall`) can be its own tag for each, with
/// the kind in the pointer's low bits (`retainedPointer(event:)`): no tag object per batch.
class CompletionTag: @unchecked Sendable {
  /// The largest event number a pointer can carry: heap objects are at least 8-byte aligned, so
  /// the three low bits of their address are free.
  static let maximumEvent = 7

  /// Called when the batch (or server request, or shutdown) completes, on the thread that took
  /// the event: the poller thread, or a caller waiting on the client queue (`PollingRoles`).
  func complete(success: Bool) {}

  /// Called for a pointer made by `retainedPointer(event:)`; by default the same as
  /// `complete(success:)`.
  func complete(success: Bool, event: Int) {
    complete(success: success)
  }

  /// The opaque pointer handed to the core; balanced by the taker or by `releaseUnused`.
  final func retainedPointer() -> UnsafeMutableRawPointer {
    Unmanaged.passRetained(self).toOpaque()
  }

  /// A pointer to this tag carrying `event` (0...maximumEvent), completed with
  /// `complete(success:event:)`; balanced like `retainedPointer()`.
  final func retainedPointer(event: Int) -> UnsafeMutableRawPointer {
    precondition((0...Self.maximumEvent).contains(event), "a tag pointer carries events 0 to 7")
    return retainedPointer() + event
  }

  /// The tag object and the event number in `pointer`.
  private static func split(_ pointer: UnsafeMutableRawPointer) -> (Unmanaged<CompletionTag>, Int) {
    let event = Int(bitPattern: pointer) & maximumEvent
    return (Unmanaged<CompletionTag>.fromOpaque(pointer - event), event)
  }

  /// Releases a pointer from `retainedPointer()` that the core rejected (no event will come).
  static func releaseUnused(_ pointer: UnsafeMutableRawPointer) {
    split(pointer).0.release()
  }

  /// Takes the event of `pointer`: releases the tag and completes it.
  static func complete(_ pointer: UnsafeMutableRawPointer, success: Bool) {
    let (tag, event) = split(pointer)
    tag.takeRetainedValue().complete(success: success, event: event)
  }
}

/// A tag that resumes a continuation with the batch's success flag.
final class ContinuationTag: CompletionTag, @unchecked Sendable {
  private let continuation: UnsafeContinuation<Bool, Never>
  /// Keeps the call's buffers alive until the batch completes.
  private let owner: AnyObject

  init(owner: AnyObject, continuation: UnsafeContinuation<Bool, Never>) {
    self.owner = owner
    self.continuation = continuation
  }

  override func complete(success: Bool) {
    continuation.resume(returning: success)
  }
}

/// A tag that runs a closure with the batch's success flag.
final class ClosureTag: CompletionTag, @unchecked Sendable {
  private let body: @Sendable (Bool) -> Void

  init(_ body: @escaping @Sendable (Bool) -> Void) {
    self.body = body
  }

  override func complete(success: Bool) {
    body(success)
  }
}

/// The tag of a batch whose starter may wait for it after its event was taken (a caller that
/// waited on the client queue itself first): the success flag is kept until `wait()` asks for it.
final class BatchTag: CompletionTag, @unchecked Sendable {
  /// Keeps the call's buffers alive until the batch completes.
  private let owner: AnyObject
  private let success = OneShot<Bool>()

  init(owner: AnyObject) {
    self.owner = owner
  }

  override func complete(success: Bool) {
    self.success.deliver(success)
  }

  /// The batch's success flag, once its event has been taken.
  func wait() async -> Bool {
    await success.value
  }
}
