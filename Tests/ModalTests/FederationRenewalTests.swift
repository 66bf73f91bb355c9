import Foundation
@testable import Modal
import TestSupport
import Testing

/// A failed renewal of a federated pair: callers keep the pair until it expires while the
/// exchange is retried with growing waits, then get the exchange's error until one succeeds.
@Suite struct FederationRenewalTests {
  /// A clock the test moves by hand.
  final class ManualInstant: @unchecked Sendable {
    private let lock = NSLock()
    private let start = ContinuousClock.now
    private var offset = Duration.zero
    var now: ContinuousClock.Instant { lock.withLock { start + offset } }
    func set(_ seconds: Double) { lock.withLock { offset = .milliseconds(Int64((seconds * 1000).rounded())) } }
  }

  /// An exchange that mints `ak-N` pairs of 100 s, or fails while `failing` is set, counting calls.
  final class Exchanges: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var failing = false
    var calls: Int { lock.withLock { count } }

    func run() throws(ModalError) -> FederationSession.Minted {
      let (n, failing) = lock.withLock { () -> (Int, Bool) in
        count += 1
        return (count, self.failing)
      }
      if failing { throw ModalError(.unavailable, "refused \(n)", remedy: "try later") }
      let pair = Credentials(tokenID: "ak-\(n)", tokenSecret: "as-secret\(n)", source: .environment)
      return FederationSession.Minted(credentials: pair, lifetime: .seconds(100))
    }
  }

  @Test func theKeptPairServesUntilItExpiresWhileRetriesBackOff() async throws {
    let clock = ManualInstant()
    let exchanges = Exchanges()
    let session = FederationSession(now: { clock.now })
    @Sendable func pair(at seconds: Double) async throws -> String {
      clock.set(seconds)
      return try await session.credentials { () throws(ModalError) in try exchanges.run() }.tokenID
    }
    #expect(try await pair(at: 0) == "ak-1")
    #expect(try await pair(at: 79.9) == "ak-1" && exchanges.calls == 1)

    // Renewal at 80 s fails: the pair still serves, and tries follow 1, 2, 4, 8 s apart, the last
    // one at the expiry (100 s) rather than 16 s after 95.
    exchanges.failing = true
    let schedule: [(Double, Int)] = [(80, 2), (80.9, 2), (81, 3), (82.9, 3), (83, 4), (87, 5), (94.9, 5), (95, 6), (99.9, 6)]
    for (time, calls) in schedule {
      #expect(try await pair(at: time) == "ak-1", "at \(time) s")
      #expect(exchanges.calls == calls, "at \(time) s")
    }

    // Expired: the exchange is tried once more and its error (with its remedy) is the caller's;
    // until the next try (30 s on), calls fail at once with it, without exchanging.
    for time in [100.0, 101, 129.9] {
      let error = await #expect(throws: ModalError.self) { try await pair(at: time) }
      #expect(error?.message == "refused 7" && error?.remedy == "try later" && exchanges.calls == 7, "at \(time) s")
    }
    exchanges.failing = false
    #expect(try await pair(at: 130) == "ak-8")
    #expect(try await pair(at: 209.9) == "ak-8" && exchanges.calls == 8)
  }

  @Test func theProviderKeepsItsPairWhenTheEndpointFailsOnRenewal() async throws {
    let standIn = try TokenEndpointStandIn(expiresIn: 5)
    let folder = TemporaryFolder()
    let host = folder.host(["MODAL_OIDC_TOKEN": "ci-token", "MODAL_OIDC_TOKEN_ENDPOINT": standIn.endpoint, "PATH": "/usr/bin:/bin"])
    let context = CredentialContext(config: try ModalConfig(host: host))
    var retry = RetryPolicy()
    retry.baseDelay = .milliseconds(200)
    retry.maxDelay = .milliseconds(800)
    let provider = AnyCredentialProvider(FederationCredentialProvider(session: FederationSession(retry: retry)))
    let first = try await provider.credentials(context: context)
    let renewAt = try #require(first.renewAt)
    let expiresAt = renewAt + .seconds(1)  // 80 % of 5 s, then the last second

    try standIn.failExchanges(with: "temporarily_unavailable")
    try await Task.sleep(until: renewAt + .milliseconds(20))
    var calls = 0
    while ContinuousClock.now < expiresAt - .milliseconds(150) {
      #expect(try await provider.credentials(context: context).tokenID == "ak-fed1")
      calls += 1
      try await Task.sleep(for: .milliseconds(25))
    }
    let refused = try standIn.seen().refused
    #expect((2...5).contains(refused) && calls > refused, "\(refused) refused exchanges for \(calls) calls")

    try await Task.sleep(until: expiresAt + .milliseconds(100))
    let error = await #expect(throws: ModalError.self) { try await provider.credentials(context: context) }
    #expect(error?.code == .unavailable, "\(String(describing: error))")
    #expect(error?.message.contains("(temporarily_unavailable): the stand-in refuses exchanges on demand") == true)
    #expect(error?.remedy?.isEmpty == false)

    try standIn.failExchanges(with: nil)
    try await Task.sleep(for: .milliseconds(900))
    let renewed = try await provider.credentials(context: context)
    #expect(renewed.tokenID == "ak-fed2" && renewed.renewAt.map { $0 > ContinuousClock.now } == true)
    #expect(try standIn.seen().exchanges == 2)
  }
}
