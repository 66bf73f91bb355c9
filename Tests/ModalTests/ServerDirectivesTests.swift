@testable import Modal
import ModalAPI
import ProtoWire
import RPC
import Testing

/// `RPCRetryPolicy` waits read from a failed call's `grpc-status-details-bin`.
@Suite struct ServerDirectivesTests {
  private func directives(retryAfter seconds: Float) -> ServerDirectives {
    var policy = RPCRetryPolicy()
    policy.retryAfterSecs = seconds
    var status = RPCStatus()
    status.code = 8
    status.details = [AnyMessage(packing: policy, typeURLPrefix: "type.modal.com")]
    return ServerDirectives(RPCError(code: .resourceExhausted, message: "slow down", details: status.serializedBytes()))
  }

  @Test func waitsAreBoundedAndNonNumbersIgnored() {
    #expect(directives(retryAfter: 0.3).retryAfter == .milliseconds(300))
    #expect(directives(retryAfter: 0).retryAfter == .milliseconds(100))
    #expect(directives(retryAfter: -5).retryAfter == .milliseconds(100))
    // A server's nonsense never traps: huge waits are cut to a day, NaN and infinities ignored.
    #expect(directives(retryAfter: 1e30).retryAfter == ServerDirectives.longestRetryAfter)
    #expect(directives(retryAfter: .infinity).retryAfter == nil)
    #expect(directives(retryAfter: -.infinity).retryAfter == nil)
    #expect(directives(retryAfter: .nan).retryAfter == nil)
    #expect(ServerDirectives(RPCError(code: .unavailable, message: "x", details: [0xFF, 0xFF])).retryAfter == nil)
  }
}
