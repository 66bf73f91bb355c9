/// Why a request got no response. Messages name the server's scheme and host only, never a path,
/// query, header or body, which may carry secrets.
package enum HTTPFetchError: Error, Equatable, Sendable, CustomStringConvertible {
  /// libcurl could not be loaded.
  case libcurlMissing
  /// The URL is not an http or https URL libcurl can use.
  case badURL(String)
  /// The request itself is invalid (method, header).
  case badRequest(String)
  /// The server could not be reached (refused, unresolvable, unreachable).
  case cannotConnect(origin: String)
  /// No complete response within the timeout.
  case timedOut(origin: String, after: Duration)
  /// The TLS handshake or the certificate check failed.
  case tlsFailure(origin: String)
  /// The response body is larger than the request allows.
  case responseTooLarge(origin: String, maximum: Int)
  /// A redirect led to a scheme other than http/https, from https to http, or more than 5 times.
  case badRedirect(origin: String)
  /// Another transfer failure, with libcurl's generic description.
  case failed(origin: String, reason: String)

  /// What happened and what to do about it.
  package var description: String {
    switch self {
    case .libcurlMissing:
      "libcurl could not be loaded; install it (Debian: apt-get install libcurl4, macOS ships it)."
    case .badURL(let why): "The URL cannot be used: \(why)."
    case .badRequest(let why): "The HTTP request is invalid: \(why)."
    case .cannotConnect(let origin):
      "Could not connect to \(origin); check the address and that the server is running and reachable."
    case .timedOut(let origin, let after):
      "\(origin) did not answer within \(after); check the server, or allow a longer timeout."
    case .tlsFailure(let origin):
      "The TLS connection to \(origin) failed (certificate not trusted or handshake refused); check the server's certificate or the CA file."
    case .responseTooLarge(let origin, let maximum):
      "The response from \(origin) is larger than \(maximum) bytes; it was refused."
    case .badRedirect(let origin):
      "\(origin) redirected to a scheme that is not allowed, from https to http, or too many times."
    case .failed(let origin, let reason): "The request to \(origin) failed: \(reason)."
    }
  }
}
