/// The tag of one operation batch: whoever takes its event from the queue calls
/// `complete(success:)` exactly once.
///
/// A tag is passed to the core as a retained pointer (`Unmanaged.passRetained`) and released by
/// the taker when its event arrives, so whatever a tag references lives until the batch is done.
class CompletionTag: @unchecked Sendable {
  /// Called when the batch (or server request, or shutdown) completes, on the thread that took
  /// the event: the poller thread, or a caller waiting on the client queue (`PollingRoles`).
  func complete(success: Bool) {}

  /// The opaque pointer handed to the core; balanced by the taker or by `releaseUnused`.
  final func retainedPointer() -> UnsafeMutableRawPointer {
    Unmanaged.passRetained(self).toOpaque()
  }

  /// Releases a pointer from `retainedPointer()` that the core rejected (no event will come).
  static func releaseUnused(_ pointer: UnsafeMutableRawPointer) {
    Unmanaged<CompletionTag>.fromOpaque(pointer).release()
  }

  /// Takes the event of `pointer`: releases the tag and completes it.
  static func complete(_ pointer: UnsafeMutableRawPointer, success: Bool) {
    Unmanaged<CompletionTag>.fromOpaque(pointer).takeRetainedValue().complete(success: success)
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
