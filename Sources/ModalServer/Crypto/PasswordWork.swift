import Dispatch
import RPC

/// Runs argon2id off Swift's cooperative pool, at most two at a time (each uses 64 MiB); the
/// dashboard's checks go through a `PasswordLane` first, which decides who waits.
enum PasswordWork {
  private static let slots = DispatchSemaphore(value: 2)
  /// A hash of a random password, verified against for unknown users so every failure costs the same.
  /// `nil` only when libsodium cannot allocate: unknown users are then answered sooner, which no
  /// user needs to be told about.
  private static let dummyHash: String? = try? PasswordHasher().hash(RandomText.base62(count: 24))

  /// Runs `body` on a thread of its own once one of the two slots is free.
  static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await BlockingWork.run(label: "modal-server.passwords") {
      slots.wait()
      defer { slots.signal() }
      return body()
    }
  }

  /// The argon2id hash of `password`, or `nil` if hashing failed.
  static func hash(_ password: String) async -> String? {
    await run {
      let hashed: String?
      do {
        hashed = try PasswordHasher().hash(password)
      } catch {
        hashed = nil
      }
      return hashed
    }
  }

  /// Whether `password` matches `hash`; with `nil` (unknown user, no password) it spends the same
  /// time and returns `false`.
  static func verify(_ password: String, hash: String?) async -> Bool {
    await run {
      guard let hash else {
        if let dummyHash { _ = PasswordHasher().verify(password, against: dummyHash) }
        return false
      }
      return PasswordHasher().verify(password, against: hash)
    }
  }

  /// `verify(_:hash:)` in `lane`: `nil` when the lane turned a stranger away.
  static func verify(_ password: String, hash: String?, lane: PasswordLane, known: Bool) async -> Bool? {
    await lane.run(known: known) { await verify(password, hash: hash) }
  }

  /// `hash(_:)` in `lane` as a stranger: `.none` when the lane turned it away, `.some(nil)` when
  /// hashing failed.
  static func hash(_ password: String, lane: PasswordLane) async -> String?? {
    await lane.run(known: false) { await hash(password) }
  }
}
