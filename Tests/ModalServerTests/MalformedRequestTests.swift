import Foundation
import ModalServer
import Testing
import TestSupport

/// What RFC 9112 refuses in a request head is answered 400 (501 for an unknown transfer coding)
/// and the connection closed, over a raw socket to the dashboard's HTTP server.
@Suite struct MalformedRequestTests {
  /// One malformed request and the status it gets (`smuggled` is sent after it, never answered).
  struct Case: Sendable, CustomTestStringConvertible {
    let name: String
    let head: [UInt8]
    var status = 400
    var testDescription: String { name }

    init(_ name: String, _ head: String, status: Int = 400) {
      self.name = name
      self.head = Array(head.utf8)
      self.status = status
    }
  }

  static let smuggled = "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n"

  static let cases: [Case] = [
    Case("two different Content-Length headers", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhelloX"),
    Case("a Content-Length list of different values", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\nhelloX"),
    Case("a Content-Length with a sign", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello"),
    Case("whitespace before the colon", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
    Case("a tab in a header name", "GET / HTTP/1.1\r\nHost: a\r\nX-A\t: one\r\n\r\n"),
    Case("a folded header line (obs-fold)", "GET / HTTP/1.1\r\nHost: a\r\nX-A: one\r\n two\r\nX-B: b\r\n\r\n"),
    Case("a folded last header line", "GET / HTTP/1.1\r\nHost: a\r\nX-A: one\r\n\ttwo\r\n\r\n"),
    Case("a NUL in a header value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: o\u{0}ne\r\nX-B: b\r\n\r\n"),
    Case("a NUL in the last header value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: o\u{0}ne\r\n\r\n"),
    Case("a NUL in a header name", "GET / HTTP/1.1\r\nHost: a\r\nX-\u{0}A: one\r\n\r\n"),
    Case("a bare CR in a header value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: o\rne\r\n\r\n"),
    Case("extra spaces in the request line", "GET  /  HTTP/1.1\r\nHost: a\r\n\r\n"),
    Case("a space in the request target", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n"),
    Case("an HTTP/1.1 request without Host", "GET / HTTP/1.1\r\n\r\n"),
    Case("two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
    Case("Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    Case("an unknown transfer coding", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", status: 501),
  ]

  private static func withServer(_ body: (Int) async throws -> Void) async throws {
    let server = try HTTPServer(
      configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), handler: { request in .text(200, "served \(request.path)\n") })
    defer { server.stop() }
    try await body(server.port)
  }

  /// The answer and how long the server took to close the connection.
  private static func exchange(_ port: Int, _ bytes: [UInt8]) async -> (WebClient.Response, Duration) {
    await Task.detached {
      let started = ContinuousClock.now
      let raw = LoopbackSocket.exchange(port: port, bytes, receiveTimeout: 8)
      return (WebClient.parse(raw), ContinuousClock.now - started)
    }.value
  }

  @Test(arguments: cases) func isRefusedAndTheConnectionClosed(_ malformed: Case) async throws {
    try await Self.withServer { port in
      let (response, took) = await Self.exchange(port, malformed.head + Array(Self.smuggled.utf8))
      #expect(response.status == malformed.status, "\(response.status) \(response.body)")
      #expect(!response.body.contains("served"), "neither it nor the request after it reaches the handler")
      #expect(took < .seconds(5), "the connection is closed, not kept alive")
    }
  }

  /// What stays allowed: the same Content-Length twice, trailing blanks, a bare LF line ending
  /// (RFC 9112 2.2 lets a recipient accept it), chunked bodies, HTTP/1.0 without Host.
  @Test func wellFormedVariantsAreServed() async throws {
    try await Self.withServer { port in
      for head in [
        "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
        "GET /a?x=%20y HTTP/1.1\r\nHost: a\r\nX-A: one  \r\nX-Empty:\r\nConnection: close\r\n\r\n",
        "GET /a HTTP/1.1\nHost: a\nConnection: close\n\n",
        "POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "GET /a HTTP/1.0\r\n\r\n",
      ] {
        let (response, _) = await Self.exchange(port, Array(head.utf8))
        #expect(response.status == 200 && response.body == "served /a\n", "\(head.debugDescription): \(response.status) \(response.body)")
      }
    }
  }
}
