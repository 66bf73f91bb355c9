@testable import Modal
import Synchronization
import Testing

/// The auth-token cache of spec section 7, with a fake clock and fetches.
@Suite struct AuthTokenManagerTests {
  /// A JWT whose payload is `{"exp": exp}` (the signature is not checked by clients).
  static func jwt(exp: Int?) -> String {
    let payload = exp.map { "{\"exp\": \($0)}" } ?? "{\"sub\": \"x\"}"
    return "eyJhbGciOiJIUzI1NiJ9." + base64URL(Array(payload.utf8)) + ".c2ln"
  }

  static func base64URL(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    var out = ""
    var index = 0
    while index < bytes.count {
      let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
      let value = chunk.enumerated().reduce(0) { $0 | (Int($1.element) << (16 - 8 * $1.offset)) }
      for position in 0..<(chunk.count + 1) { out.append(alphabet[(value >> (18 - 6 * position)) & 63]) }
      index += 3
    }
    return out
  }

  final class Clock: Sendable {
    let time = Mutex<Double>(1_000_000)
    func now() -> Double { time.withLock { $0 } }
    func advance(_ seconds: Double) { time.withLock { $0 += seconds } }
  }

  final class Fetches: Sendable {
    let count = Atomic<Int>(0)
    func record() { count.add(1, ordering: .relaxed) }
    var total: Int { count.load(ordering: .relaxed) }
  }

  private func manager(_ clock: Clock, jitter: Double = 0) -> AuthTokenManager {
    AuthTokenManager(now: { clock.now() }, jitter: { jitter })
  }

  @Test func fetchesLazilyOnceAndCaches() async throws {
    let clock = Clock()
    let fetches = Fetches()
    let manager = manager(clock)
    let token = Self.jwt(exp: 1_000_000 + 1200)
    #expect(fetches.total == 0)
    for _ in 0..<3 {
      let got = try await manager.token { () async throws(ModalError) -> String in
        fetches.record()
        return token
      }
      #expect(got == token)
    }
    #expect(fetches.total == 1)
  }

  @Test func concurrentCallersShareOneFetch() async throws {
    let clock = Clock()
    let fetches = Fetches()
    let manager = manager(clock)
    let token = Self.jwt(exp: 1_000_000 + 1200)
    let results = try await withThrowingTaskGroup(of: String.self) { group in
      for _ in 0..<50 {
        group.addTask {
          try await manager.token { () async throws(ModalError) -> String in
            fetches.record()
            try? await Task.sleep(for: .milliseconds(50))
            return token
          }
        }
      }
      return try await group.reduce(into: [String]()) { $0.append($1) }
    }
    #expect(Set(results) == [token])
    #expect(fetches.total == 1)
  }

  @Test func refreshesAtHalfToSixtyPercentOfItsLife() async throws {
    let clock = Clock()
    let fetches = Fetches()
    let manager = manager(clock, jitter: 0.05)
    let first = Self.jwt(exp: 1_000_000 + 1000)
    let second = Self.jwt(exp: 1_000_549 + 1000)
    let fetch = { @Sendable () async throws(ModalError) -> String in
      fetches.record()
      return fetches.total == 1 ? first : second
    }
    #expect(try await manager.token(fetch: fetch) == first)
    clock.advance(549)  // 54.9 % of the life: not yet (refresh at 55 % with this jitter)
    #expect(try await manager.token(fetch: fetch) == first)
    #expect(fetches.total == 1)
    clock.advance(2)  // 55.1 %: refresh
    #expect(try await manager.token(fetch: fetch) == second)
    #expect(fetches.total == 2)
  }

  @Test func failedRefreshFallsBackToTheCachedTokenAndCoolsDown() async throws {
    let clock = Clock()
    let fetches = Fetches()
    let manager = manager(clock)
    let token = Self.jwt(exp: 1_000_000 + 1000)
    _ = try await manager.token { () async throws(ModalError) -> String in token }
    clock.advance(600)  // past the refresh point, before expiry
    let failing = { @Sendable () async throws(ModalError) -> String in
      fetches.record()
      throw ModalError(.unavailable, "server busy")
    }
    #expect(try await manager.token(fetch: failing) == token)
    #expect(fetches.total == 1)
    #expect(try await manager.token(fetch: failing) == token)
    #expect(fetches.total == 1, "the cooldown (0.5 s) holds off another attempt")
    clock.advance(1)
    #expect(try await manager.token(fetch: failing) == token)
    #expect(fetches.total == 2)
  }

  @Test func authenticationDenialIsNeverHiddenByTheCache() async throws {
    let clock = Clock()
    let manager = manager(clock)
    _ = try await manager.token { () async throws(ModalError) -> String in Self.jwt(exp: 1_000_000 + 1000) }
    clock.advance(700)
    for code in [ModalError.Code.authentication, .permissionDenied] {
      clock.advance(100)
      let error = await #expect(throws: ModalError.self) {
        try await manager.token { () async throws(ModalError) -> String in throw ModalError(code, "denied") }
      }
      #expect(error?.code == code)
    }
  }

  @Test func expiredTokenIsFetchedAgainAndErrorsPropagateWithoutACache() async throws {
    let clock = Clock()
    let manager = manager(clock)
    _ = try await manager.token { () async throws(ModalError) -> String in Self.jwt(exp: 1_000_000 + 10) }
    clock.advance(20)
    let error = await #expect(throws: ModalError.self) {
      try await manager.token { () async throws(ModalError) -> String in throw ModalError(.unavailable, "down") }
    }
    #expect(error?.message == "down")
  }

  @Test func missingExpiryMeansTwentyMinutesAndGarbageIsAnError() async throws {
    let clock = Clock()
    let manager = manager(clock)
    let noExpiry = Self.jwt(exp: nil)
    #expect(try await manager.token { () async throws(ModalError) -> String in noExpiry } == noExpiry)
    clock.advance(1199)
    #expect(await manager.hasValidToken)
    clock.advance(2)
    #expect(!(await manager.hasValidToken))

    let other = AuthTokenManager(now: { clock.now() }, jitter: { 0 })
    let garbage = await #expect(throws: ModalError.self) {
      try await other.token { () async throws(ModalError) -> String in "not-a-jwt" }
    }
    #expect(garbage?.message == "Internal error: Cannot parse auth token. Please contact Modal support.")
    let empty = await #expect(throws: ModalError.self) {
      try await other.token { () async throws(ModalError) -> String in "" }
    }
    #expect(empty?.message == "Internal error: Did not receive auth token from server. Please contact Modal support.")
  }
}
