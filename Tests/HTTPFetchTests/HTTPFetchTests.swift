import Foundation
import Testing
import TestSupport

@testable import HTTPFetch

/// HTTPFetch against loopback servers (Python's http.server, plain and with a throwaway CA).
@Suite(.serialized) struct HTTPFetchTests {
  private func echo(_ response: HTTPResponse) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
  }

  @Test func getAndPostSendHeadersAndBodies() async throws {
    let server = try TestWebServer(tls: false)
    let get = try await fetch(HTTPRequest(url: server.baseURL + "/echo", headers: ["X-Test": "one", "Accept": "text/x"]))
    #expect(get.status == 200)
    #expect(get.header("content-type") == "application/json")
    #expect(get.header("X-MULTI") == "a, b")
    let sent = try echo(get)
    #expect(sent["method"] as? String == "GET")
    #expect((sent["headers"] as? [String: String])?["x-test"] == "one")
    #expect((sent["headers"] as? [String: String])?["accept"] == "text/x")

    let body = Array("grant_type=client_credentials&x=%20".utf8)
    let post = try await fetch(
      HTTPRequest(
        url: server.baseURL + "/echo", method: "POST", headers: ["Content-Type": "application/x-www-form-urlencoded"],
        body: body))
    let posted = try echo(post)
    #expect(posted["method"] as? String == "POST")
    #expect(posted["body"] as? String == "grant_type=client_credentials&x=%20")
    #expect((posted["headers"] as? [String: String])?["content-type"] == "application/x-www-form-urlencoded")

    let missing = try await fetch(HTTPRequest(url: server.baseURL + "/missing"))
    #expect(missing.status == 404 && missing.body == Array("missing".utf8))
    let redirected = try await fetch(HTTPRequest(url: server.baseURL + "/to-echo"))
    #expect(redirected.status == 200 && redirected.header("x-multi") == "a, b")
    let notFollowed = try await fetch(HTTPRequest(url: server.baseURL + "/to-echo", followsRedirects: false))
    #expect(notFollowed.status == 302 && notFollowed.header("location") == "/echo")
    await #expect(throws: HTTPFetchError.badRedirect(origin: server.baseURL)) {
      try await fetch(HTTPRequest(url: server.baseURL + "/to-file"))
    }
  }

  @Test func httpsNeedsTheCAFile() async throws {
    let server = try TestWebServer(tls: true)
    let trusted = try await fetch(HTTPRequest(url: server.baseURL + "/echo", caFile: server.caFile))
    #expect(trusted.status == 200)
    await #expect(throws: HTTPFetchError.tlsFailure(origin: server.baseURL)) {
      try await fetch(HTTPRequest(url: server.baseURL + "/echo"))
    }
  }

  @Test func slowOversizedAndRefusedExchangesFail() async throws {
    let server = try TestWebServer(tls: false)
    let started = ContinuousClock.now
    await #expect(throws: HTTPFetchError.timedOut(origin: server.baseURL, after: .milliseconds(500))) {
      try await fetch(HTTPRequest(url: server.baseURL + "/slow", timeout: .milliseconds(500)))
    }
    #expect(ContinuousClock.now - started < .seconds(2.5))
    for path in ["/big", "/big-unsized"] {
      await #expect(throws: HTTPFetchError.responseTooLarge(origin: server.baseURL, maximum: 1 << 20)) {
        try await fetch(HTTPRequest(url: server.baseURL + path))
      }
    }
    let allowed = try await fetch(HTTPRequest(url: server.baseURL + "/big", maximumResponseBytes: 3 << 20))
    #expect(allowed.body.count == 2 << 20)
    let port = try FreePort.find()
    await #expect(throws: HTTPFetchError.cannotConnect(origin: "http://127.0.0.1:\(port)")) {
      try await fetch(HTTPRequest(url: "http://user:secret@127.0.0.1:\(port)/path?token=secret"))
    }
  }

  @Test func badRequestsAreRefusedBeforeSending() async throws {
    for url in ["ftp://127.0.0.1/", "file:///etc/passwd", "127.0.0.1/", "http://127.0.0.1/a b"] {
      await #expect(throws: (any Error).self, "\(url)") { try await fetch(HTTPRequest(url: url)) }
    }
    await #expect(throws: HTTPFetchError.badRequest("the value of header X contains a line break")) {
      try await fetch(HTTPRequest(url: "http://127.0.0.1:1/", headers: ["X": "a\r\nInjected: yes"]))
    }
    await #expect(throws: HTTPFetchError.badRequest("the method is not an HTTP token")) {
      try await fetch(HTTPRequest(url: "http://127.0.0.1:1/", method: "GET /x"))
    }
    let error = HTTPFetchError.cannotConnect(origin: HTTPRequest(url: "https://u:pw@host.example:8443/p?q=s").origin)
    #expect(error.description.contains("https://host.example:8443"))
    #expect(!error.description.contains("pw") && !error.description.contains("q=s"))
  }
}
