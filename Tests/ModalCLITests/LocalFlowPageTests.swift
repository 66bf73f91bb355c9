import Dispatch
import Foundation
import TestSupport
import Testing

@testable import ModalCLI

#if canImport(Glibc)
  import Glibc
#endif

/// The login's local page: a slow or hostile local client must not hold up other requests or the
/// end of the login (a client trickling one byte at a time once blocked both for hours).
@Suite struct LocalFlowPageTests {
  /// Sends `request` and reads the answer until the page closes the connection (blocking).
  private static func exchange(_ port: Int, _ request: String) -> String {
    String(decoding: LoopbackSocket.exchange(port: port, Array(request.utf8), receiveTimeout: 5), as: UTF8.self)
  }

  private static func timed(_ body: @escaping @Sendable () -> String) async -> (String, Duration) {
    await withCheckedContinuation { continuation in
      DispatchQueue.global().async {
        let start = ContinuousClock.now
        let result = body()
        continuation.resume(returning: (result, ContinuousClock.now - start))
      }
    }
  }

  @Test func aSlowClientDelaysNeitherOtherRequestsNorStopping() async throws {
    let page = try LocalFlowPage()
    page.publish(flowID: "tf-TEST")
    let port = page.port
    // A client that sends its request one byte every 300 ms, and never finishes in time.
    let slow = LoopbackSocket.open(port: port)
    #expect(slow >= 0)
    let trickle = Task.detached {
      for byte in Array("GET / HTTP/1.1\r\nX-Slow: yes".utf8) {
        var value = byte
        if Task.isCancelled || send(slow, &value, 1, Int32(MSG_NOSIGNAL)) <= 0 { break }
        try? await Task.sleep(for: .milliseconds(300))
      }
    }
    try await Task.sleep(for: .milliseconds(200))
    let (answer, took) = await Self.timed { Self.exchange(port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") }
    #expect(answer.hasPrefix("HTTP/1.1 200 OK") && answer.hasSuffix("\r\n\r\ntf-TEST"), "\(answer)")
    #expect(took < .milliseconds(500), "answered after \(took)")
    let stopStarted = ContinuousClock.now
    page.stop()
    #expect(ContinuousClock.now - stopStarted < .milliseconds(500))
    // Stop the trickle before closing its socket: once closed, the descriptor's number can be
    // reused by another test's socket, which the trickle would then write into.
    trickle.cancel()
    await trickle.value
    close(slow)
  }

  @Test func headAnswersWithoutABodyAndABodyIsNotWaitedFor() async throws {
    let page = try LocalFlowPage()
    page.publish(flowID: "tf-TEST")
    let port = page.port
    let (head, _) = await Self.timed { Self.exchange(port, "HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") }
    #expect(head.hasPrefix("HTTP/1.1 200 OK") && head.hasSuffix("Content-Length: 7\r\nAccess-Control-Allow-Origin: *\r\nAllow: GET, HEAD\r\nConnection: close\r\n\r\n"), "\(head)")
    // A cross-origin POST with a body (what any web page can send): 405 at once, not after a timeout.
    let (post, took) = await Self.timed {
      Self.exchange(port, "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello")
    }
    #expect(post.hasPrefix("HTTP/1.1 405 Method Not Allowed"), "\(post)")
    #expect(took < .milliseconds(500), "answered after \(took)")
    let (missing, _) = await Self.timed { Self.exchange(port, "GET /other HTTP/1.1\r\n\r\n") }
    #expect(missing.hasPrefix("HTTP/1.1 404 Not Found"))
    page.stop()
  }
}
