#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A mutual-exclusion lock around a value.
///
/// Usable from synchronous code on any thread (the completion-queue poller included);
/// `Synchronization.Mutex` would need macOS 15. Copies share one lock and one value: the value and
/// its `pthread_mutex_t` live in a single heap object, so a lock costs one allocation (it sits on
/// every call's path, several times).
package struct Locked<Value>: @unchecked Sendable {
  @usableFromInline let storage: LockStorage<Value>

  /// Creates a lock around `value`.
  package init(_ value: Value) {
    storage = LockStorage.make(value)
  }

  /// Runs `body` with exclusive access to the value.
  @inlinable
  package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
    try storage.withLock(body)
  }
}

/// The heap object behind ``Locked``: the value as the header, the mutex as the one element.
@usableFromInline
final class LockStorage<Value>: ManagedBuffer<Value, pthread_mutex_t> {
  @usableFromInline static func make(_ value: Value) -> LockStorage<Value> {
    let buffer = create(minimumCapacity: 1) { _ in value }
    buffer.withUnsafeMutablePointerToElements { mutex in
      mutex.initialize(to: pthread_mutex_t())
      pthread_mutex_init(mutex, nil)
    }
    // `create` is declared to return the base class; it allocates an instance of `Self`.
    return unsafeDowncast(buffer, to: LockStorage<Value>.self)
  }

  deinit {
    _ = withUnsafeMutablePointerToElements { pthread_mutex_destroy($0) }
  }

  @inlinable
  func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
    try withUnsafeMutablePointers { value, mutex in
      pthread_mutex_lock(mutex)
      defer { pthread_mutex_unlock(mutex) }
      return try body(&value.pointee)
    }
  }
}
