import Foundation
import ModalServer
import Testing

/// `POST /oauth/token`: form decoding, dispatch on `grant_type`, RFC 6749 error JSON and headers.
@Suite struct OAuthTokenEndpointTests {
  /// A grant that echoes one parameter back, so the test sees what reached it.
  struct EchoGrant: OAuthGrant {
    let grantType = "urn:test:echo"
    func reply(to request: OAuthTokenRequest) async -> OAuthTokenReply {
      do throws(OAuthError) {
        let value = try request.requiredParameter("value")
        return .success(["access_token": .string(value), "expires_in": .integer(60), "peer": .string(request.peer)])
      } catch {
        return .failure(error)
      }
    }
  }

  static func post(_ body: String, contentType: String = "application/x-www-form-urlencoded") -> HTTPRequest {
    HTTPRequest(
      method: "POST", path: "/oauth/token", headers: ["content-type": contentType], body: Array(body.utf8),
      peer: "127.0.0.7")
  }

  static func json(_ response: HTTPResponse?) throws -> [String: Any] {
    let body = Data(try #require(response).body)
    return try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
  }

  @Test func dispatchesOnGrantTypeAndAnswersJSONThatIsNeverCached() async throws {
    let endpoint = OAuthTokenEndpoint(grants: [EchoGrant()])
    let response = await endpoint.answer(Self.post("grant_type=urn%3Atest%3Aecho&value=a%2Bb"))
    #expect(response?.status == 200)
    #expect(response?.header("Cache-Control") == "no-store" && response?.header("Pragma") == "no-cache")
    #expect(response?.header("Content-Type")?.hasPrefix("application/json") == true)
    let object = try Self.json(response)
    #expect(object["access_token"] as? String == "a+b" && object["expires_in"] as? Int == 60)
    #expect(object["peer"] as? String == "127.0.0.7")
    #expect(await endpoint.answer(HTTPRequest(method: "POST", path: "/oauth/other")) == nil)
  }

  @Test func refusalsAreRFC6749ErrorsWithTheirStatus() async throws {
    let endpoint = OAuthTokenEndpoint(grants: [EchoGrant()])
    let cases: [(HTTPRequest, Int, String, String)] = [
      (Self.post("grant_type=password&value=x"), 400, "unsupported_grant_type", "urn:test:echo"),
      (Self.post("value=x"), 400, "invalid_request", "grant_type is missing"),
      (Self.post("grant_type=urn%3Atest%3Aecho"), 400, "invalid_request", "value is missing"),
      (Self.post("grant_type=a&grant_type=b"), 400, "invalid_request", "more than once"),
      (Self.post("{}", contentType: "application/json"), 400, "invalid_request", "x-www-form-urlencoded"),
      (Self.post("grant_type=%zz"), 400, "invalid_request", "percent-encoded"),
      (Self.post(String(repeating: "a", count: OAuthTokenEndpoint.maximumBodyBytes + 1)), 400, "invalid_request", "too large"),
      (HTTPRequest(method: "GET", path: "/oauth/token"), 405, "invalid_request", "POST only"),
    ]
    for (request, status, code, words) in cases {
      let response = await endpoint.answer(request)
      let object = try Self.json(response)
      #expect(response?.status == status, "\(code) \(words)")
      #expect(object["error"] as? String == code, "\(words)")
      #expect((object["error_description"] as? String)?.contains(words) == true, "\(object)")
      #expect(response?.header("Cache-Control") == "no-store")
    }
  }

  @Test func invalidClientIsA401WithAChallenge() {
    let response = OAuthTokenReply.failure(OAuthError(.invalidClient, "Unknown client.")).response
    #expect(response.status == 401 && response.header("WWW-Authenticate")?.hasPrefix("Basic") == true)
  }

  @Test func theDashboardAnswersTheTokenEndpointWithoutASession() async throws {
    let harness = try await Harness.start()
    let dashboard = Dashboard(backend: harness.backend)
    let response = await dashboard.handle(Self.post("grant_type=password&username=a&password=b"))
    await harness.stop()
    #expect(response.status == 400)
    #expect(try Self.json(response)["error"] as? String == "unsupported_grant_type")
    #expect(response.header("Set-Cookie") == nil, "no pre-session cookie for a token request")
  }
}
