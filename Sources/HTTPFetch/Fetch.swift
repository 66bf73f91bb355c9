internal import CCurlLoader
import RPC

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Sends `request` and returns the response, whatever its status. The blocking libcurl call runs
/// on a thread of its own (`BlockingWork`), never on Swift's cooperative pool. libcurl is opened on
/// the first call.
package func fetch(_ request: HTTPRequest) async throws(HTTPFetchError) -> HTTPResponse {
  try request.validated()
  let outcome = await BlockingWork.run(label: "HTTPFetch") { CurlTransfer.perform(request) }
  return try outcome.get()
}

/// One request through libcurl, synchronously.
enum CurlTransfer {
  static func perform(_ request: HTTPRequest) -> Result<HTTPResponse, HTTPFetchError> {
    guard httpfetch_is_available() != 0 else { return .failure(.libcurlMissing) }
    let headerLines = request.headers.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
    var result = httpfetch_result()
    defer { httpfetch_result_free(&result) }
    let body = request.body ?? []
    withCStrings(headerLines) { lines in
      request.url.withCString { url in
        request.method.withCString { method in
          withOptionalCString(request.caFile) { caFile in
            body.withUnsafeBufferPointer { bodyBytes in
              var transfer = httpfetch_request(
                url: url, method: method, headers: lines.baseAddress, header_count: lines.count,
                body: bodyBytes.baseAddress, body_length: bodyBytes.count, has_body: request.body == nil ? 0 : 1,
                timeout_ms: Int(clamping: request.timeout.milliseconds), ca_file: caFile,
                maximum_body: request.maximumResponseBytes, follow_redirects: request.followsRedirects ? 1 : 0,
                https_only_redirects: request.scheme == "https" ? 1 : 0)
              _ = httpfetch_perform(&transfer, &result)
            }
          }
        }
      }
    }
    if let error = error(of: result, request) { return .failure(error) }
    let headers = HTTPResponse.parseHeaders(bytes(result.headers))
    return .success(HTTPResponse(status: result.status, headers: headers, body: bytes(result.body)))
  }

  /// Maps libcurl's result code to an error (nil for a response).
  static func error(of result: httpfetch_result, _ request: HTTPRequest) -> HTTPFetchError? {
    let origin = request.origin
    if result.body.overflowed != 0 { return .responseTooLarge(origin: origin, maximum: request.maximumResponseBytes) }
    switch CURLcode(UInt32(result.code)) {
    case CURLE_OK: return nil
    case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .cannotConnect(origin: origin)
    case CURLE_OPERATION_TIMEDOUT: return .timedOut(origin: origin, after: request.timeout)
    case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
      CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_CRL_BADFILE:
      return .tlsFailure(origin: origin)
    case CURLE_FILESIZE_EXCEEDED: return .responseTooLarge(origin: origin, maximum: request.maximumResponseBytes)
    // The first URL's scheme is checked before libcurl sees it: an unsupported one came from a redirect.
    case CURLE_UNSUPPORTED_PROTOCOL, CURLE_TOO_MANY_REDIRECTS: return .badRedirect(origin: origin)
    case CURLE_URL_MALFORMAT: return .badURL("libcurl could not parse it")
    case CURLE_FAILED_INIT: return .libcurlMissing
    default: return .failed(origin: origin, reason: curlDescription(result.code))
    }
  }

  private static func curlDescription(_ code: Int32) -> String {
    switch CURLcode(UInt32(code)) {
    case CURLE_GOT_NOTHING: "the server closed the connection without a response"
    case CURLE_RECV_ERROR, CURLE_SEND_ERROR: "the connection broke"
    case CURLE_WRITE_ERROR: "the response could not be stored"
    case CURLE_BAD_FUNCTION_ARGUMENT: "libcurl refused an option of the request"
    default: "libcurl error \(code)"
    }
  }

  private static func bytes(_ buffer: httpfetch_buffer) -> [UInt8] {
    guard let data = buffer.data, buffer.length > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: buffer.length))
  }
}

/// Calls `body` with NUL-terminated copies of `strings`, valid only during the call.
private func withCStrings<T>(_ strings: [String], _ body: (UnsafeBufferPointer<UnsafePointer<CChar>?>) -> T) -> T {
  let copies = strings.map { strdup($0) }
  defer { copies.forEach { free($0) } }
  return copies.map { UnsafePointer($0) }.withUnsafeBufferPointer(body)
}

/// Calls `body` with a C string of `text`, or NULL.
private func withOptionalCString<T>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> T) -> T {
  guard let text else { return body(nil) }
  return text.withCString(body)
}

extension Duration {
  /// Whole milliseconds, rounded up (at least 1 for a positive duration).
  fileprivate var milliseconds: Int64 {
    let (seconds, attoseconds) = components
    return seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
  }
}
