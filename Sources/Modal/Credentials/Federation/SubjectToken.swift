import HTTPFetch
import ModalJOSE

/// Reads the OIDC token a federation exchange presents, anew for every exchange: a file may have
/// been rotated, and GitHub's tokens expire after minutes.
struct SubjectTokenReader: Sendable {
  /// Longest token accepted, as the server's limit (`JSONWebToken.maximumLength`).
  static let maximumLength = JSONWebToken.maximumLength

  let host: HostEnvironment
  let caFile: String?

  /// The token the source gives, trimmed of surrounding white space.
  func read(_ source: FederationSettings.SubjectSource) async throws(ModalError) -> String {
    let token: String
    switch source {
    case .literal(let value): token = value
    case .file(let path): token = try readFile(path)
    case .githubActions(let url, let requestToken, let audience):
      token = try await fetchFromGitHub(url: url, requestToken: requestToken, audience: audience)
    }
    let trimmed = token.trimmingWhitespace()
    guard !trimmed.isEmpty, trimmed.utf8.count <= Self.maximumLength else {
      throw ModalError(
        .invalidCredentials,
        trimmed.isEmpty ? "The OIDC token from \(source.shortDescription) is empty." : "The OIDC token from \(source.shortDescription) is over \(Self.maximumLength) bytes.",
        remedy: "Check that \(source.shortDescription) gives the CI platform's OIDC token (a JWT).")
    }
    return trimmed
  }

  private func readFile(_ path: String) throws(ModalError) -> String {
    let bytes: [UInt8]?
    do {
      bytes = try host.fileSystem.readFile(atPath: path, maxBytes: Self.maximumLength + 4096)
    } catch {
      throw ModalError(
        .invalidCredentials, "The OIDC token file \(path) (MODAL_OIDC_TOKEN_FILE) cannot be read: \(error).",
        remedy: "Check the path and its permissions.")
    }
    guard let bytes else {
      throw ModalError(
        .invalidCredentials, "The OIDC token file \(path) (MODAL_OIDC_TOKEN_FILE) does not exist.",
        remedy: "Check the path, or that the platform mounted the projected token there.")
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// GitHub Actions' token service: `GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=AUD` with the
  /// request token as a bearer, answering `{"value": JWT}`.
  private func fetchFromGitHub(url: String, requestToken: String, audience: String?) async throws(ModalError) -> String {
    var target = url
    if let audience { target += (url.contains("?") ? "&" : "?") + "audience=" + FormEncoding.encode(audience) }
    let request = HTTPRequest(
      url: target, headers: ["Authorization": "bearer " + requestToken, "Accept": "application/json"],
      caFile: caFile, maximumResponseBytes: 64 * 1024, followsRedirects: false)
    let response: HTTPResponse
    do {
      response = try await fetch(request)
    } catch {
      throw ModalError(
        .connection, "Could not get the OIDC token from GitHub Actions: \(error.description)",
        remedy: "Check ACTIONS_ID_TOKEN_REQUEST_URL, and that the job has `permissions: id-token: write`.")
    }
    guard response.status == 200, let value = (try? JSONValue(parsing: response.body))?.object?["value"]?.string else {
      throw ModalError(
        .invalidCredentials, "GitHub Actions' token service answered \(response.status) without a token.",
        remedy: "Give the job `permissions: id-token: write`; check MODAL_OIDC_AUDIENCE.")
    }
    return value
  }
}

extension FederationSettings.SubjectSource {
  /// Where the token comes from, in words, for errors; never the token.
  package var shortDescription: String {
    switch self {
    case .file(let path): "the file \(path) (MODAL_OIDC_TOKEN_FILE)"
    case .literal: "MODAL_OIDC_TOKEN"
    case .githubActions: "GitHub Actions (MODAL_OIDC_PROVIDER=github-actions)"
    }
  }
}

/// `application/x-www-form-urlencoded` values: all but RFC 3986's unreserved characters
/// percent-encoded, which is valid for query strings too.
enum FormEncoding {
  /// One value, encoded.
  static func encode(_ value: String) -> String {
    var output = ""
    for byte in value.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
        output.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        output += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
      }
    }
    return output
  }

  /// A form body from name-value pairs, in order.
  static func body(_ pairs: [(String, String)]) -> [UInt8] {
    Array(pairs.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&").utf8)
  }
}
