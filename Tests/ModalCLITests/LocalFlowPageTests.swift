import Dispatch
import Foundation
import Testing

@testable import ModalCLI

#if canImport(Glibc)
  import Glibc
#endif

/// The login's local page: a slow or hostile local client must not hold up other requests or the
/// end of the login (a client trickling one byte at a time once blocked both for hours).
@Suite struct LocalFlowPageTests {
  /// A TCP connection to 127.0.0.1:`port`, or -1.
  private static func connectSocket(_ port: Int) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
      close(fd)
      return -1
    }
    return fd
  }

  /// Sends `request` and reads the answer until the page closes the connection (blocking).
  private static func exchange(_ port: Int, _ request: String) -> String {
    let fd = connectSocket(port)
    guard fd >= 0 else { return "" }
    defer { close(fd) }
    var timeout = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    _ = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    var answer: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = recv(fd, &buffer, buffer.count, 0)
      if count <= 0 { break }
      answer += buffer[0..<count]
    }
    return String(decoding: answer, as: UTF8.self)
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
    let slow = Self.connectSocket(port)
    #expect(slow >= 0)
    let trickle = Task.detached {
      for byte in Array("GET / HTTP/1.1\r\nX-Slow: yes".utf8) {
        var value = byte
        if send(slow, &value, 1, Int32(MSG_NOSIGNAL)) <= 0 { break }
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
    trickle.cancel()
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
