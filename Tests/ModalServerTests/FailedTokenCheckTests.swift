import Foundation
import ModalAPI
import ModalServer
import ProtoWire
import RPC
import Testing
import TestSupport

/// Failed token checks are throttled per token id and per address, without slowing or locking out
/// a valid token.
@Suite struct FailedTokenCheckTests {
  @Test func budgetsSlowAndQuietOnlyFailuresPastThem() {
    let checks = FailedTokenChecks(burst: 3, perSecond: 1, delay: .milliseconds(250), logLinesPerMinute: 5)
    let start = ContinuousClock.now
    let verdicts = (0..<6).map { _ in checks.failed(id: "ak-a", peer: "ipv4:10.0.0.1:5000", now: start) }
    #expect(verdicts.map(\.delay) == [.zero, .zero, .zero, .milliseconds(250), .milliseconds(250), .milliseconds(250)])
    #expect(verdicts.map(\.logged) == [true, true, true, true, true, false])
    // Another id from another address has budgets of its own; the first id's refills with time.
    #expect(checks.failed(id: "ak-b", peer: "ipv4:10.0.0.2:6000", now: start).delay == .zero)
    #expect(checks.failed(id: "ak-a", peer: "ipv4:10.0.0.1:5001", now: start + .seconds(2)).delay == .zero)
    // Many ids from one address: the address's budget slows them.
    let spray = (0..<5).map { checks.failed(id: "ak-spray\($0)", peer: "ipv6:[::1]:7000", now: start).delay }
    #expect(spray.last == .milliseconds(250))
  }

  /// 2,000 wrong secrets against one id (100 at a time): the owner's calls stay fast and succeed,
  /// and far fewer than 2,000 lines are logged.
  @Test(.timeLimit(.minutes(1))) func aFloodOfWrongSecretsLeavesTheValidTokenServed() async throws {
    try await withHarness { harness in
      let wrong = Credentials(id: harness.owner.id, secret: "as-" + String(repeating: "x", count: 24))
      let hello = ModalClientMethods.clientHello.path
      var baseline = Duration.zero
      for _ in 0..<20 { baseline = max(baseline, try await Self.timed { _ = try await harness.channel.unary(path: hello, request: [], metadata: harness.owner.metadata) }) }
      let flood = Task {
        await withTaskGroup(of: Void.self) { group in
          for _ in 0..<100 {
            group.addTask {
              for _ in 0..<20 {
                _ = try? await harness.channel.unary(path: hello, request: [], metadata: wrong.metadata)
              }
            }
          }
        }
      }
      var slowest = Duration.zero
      for _ in 0..<40 {
        slowest = max(slowest, try await Self.timed { _ = try await harness.channel.unary(path: hello, request: [], metadata: harness.owner.metadata) })
        try await Task.sleep(for: .milliseconds(50))
      }
      await flood.value
      #expect(slowest < max(baseline * 3, .milliseconds(250)), "slowest valid call \(slowest), before the flood \(baseline)")
      let lines = await harness.log.lines { $0.filter { $0.contains(" OK ") }.count >= 60 }
      let failures = lines.filter { $0.contains("UNAUTHENTICATED") }
      #expect(failures.count <= 40, "\(failures.count) failure lines for 2,000 failures")
      #expect(lines.filter { $0.contains(" OK ") }.count >= 60)
    }
  }

  private static func timed(_ body: () async throws -> Void) async throws -> Duration {
    let started = ContinuousClock.now
    try await body()
    return ContinuousClock.now - started
  }
}
