import HTTPFetch

/// Fetches issuers' discovery documents and JWKS over HTTPS with libcurl (`HTTPFetch`): at most
/// 256 KiB, 10 s, no redirects, trusting the system's CAs and `caFile`.
struct HTTPSDocumentFetcher: FederationDocumentFetcher {
  /// Extra CA certificates (PEM), `serve --federation-ca-file`.
  let caFile: String?

  func get(_ url: String) async throws(FederationFetchError) -> [UInt8] {
    guard url.lowercased().hasPrefix("https://") else { throw FederationFetchError("\(url) is not https") }
    let request = HTTPFetch.HTTPRequest(
      url: url, headers: ["Accept": "application/json"], timeout: .seconds(10), caFile: caFile,
      maximumResponseBytes: 256 * 1024, followsRedirects: false)
    let response: HTTPFetch.HTTPResponse
    do {
      response = try await fetch(request)
    } catch {
      throw FederationFetchError(error.description)
    }
    guard response.status == 200 else { throw FederationFetchError("\(url) answered HTTP \(response.status)") }
    return response.body
  }
}
