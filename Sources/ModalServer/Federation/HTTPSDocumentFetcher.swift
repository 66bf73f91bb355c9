/// Fetches issuers' discovery documents and JWKS over HTTPS (at most 1 MiB, 10 s), trusting the
/// system's CAs and `caFile`.
struct HTTPSDocumentFetcher: FederationDocumentFetcher {
  /// Extra CA certificates (PEM), `serve --federation-ca-file`.
  let caFile: String?

  func get(_ url: String) async throws(FederationFetchError) -> [UInt8] {
    guard url.lowercased().hasPrefix("https://") else { throw FederationFetchError("\(url) is not https") }
    throw FederationFetchError("fetching over HTTPS is not available in this build (HTTPFetch)")
  }
}
