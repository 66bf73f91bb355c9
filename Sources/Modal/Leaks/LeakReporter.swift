import ModalAPI
import ModalJOSE
public import RPC

/// Tells a modal-server about token secrets found in public, with no token of one's own: reports
/// them so the server revokes them at once (holding a secret is the proof), or asks whether found
/// tokens are still active, sending each token's id and the SHA-256 of its secret, never the
/// secret (`modal token scan --report`, `--check-server`).
///
/// This is modal-server's own `modal_server.leaks.LeakReports` service; Modal's servers do not
/// offer it and answer UNIMPLEMENTED.
public struct LeakReporter: Sendable {
  /// A secret found somewhere.
  public struct Finding: Sendable, Equatable {
    /// The secret as found.
    public var secret: String
    /// Where it was found (a URL, `path:line`), kept in the server's audit log.
    public var location: String

    /// A found secret and where it was.
    public init(secret: String, location: String) {
      self.secret = secret
      self.location = location
    }
  }

  /// What the server did with one reported secret.
  public enum Verdict: String, Sendable, Equatable {
    /// One of the server's tokens, active until now: revoked.
    case revoked
    /// One of the server's tokens, revoked or expired before.
    case alreadyInactive = "already_inactive"
    /// Not a token secret of this server.
    case notOurs = "not_ours"
  }

  /// Where a token stands on the server.
  public enum TokenState: String, Sendable, Equatable {
    /// The token works: revoke it (or report it).
    case active
    /// The token was revoked.
    case revoked
    /// The token expired.
    case expired
    /// No such token, a secret that does not match, or a token made before the server kept
    /// fingerprints.
    case unknown
  }

  /// The server's gRPC URL.
  public let serverURL: String
  let transport: ModalTransport

  /// A reporter for the server at `serverURL` (no credentials are sent).
  public init(serverURL: String, channelOptions: ChannelOptions? = nil) throws(ModalError) {
    self.serverURL = serverURL
    transport = try ModalTransport(serverURL: serverURL, credentials: nil, profile: "", channelOptions: channelOptions)
  }

  /// Reports `findings`; the verdicts come back in the same order.
  public func report(_ findings: [Finding]) async throws(ModalError) -> [Verdict] {
    var request = LeakReportRequest()
    request.secrets = findings.map { LeakedSecret(tokenSecret: $0.secret, location: $0.location) }
    let response = try await transport.call(LeakReportsMethods.report, request).response
    guard response.verdicts.count == findings.count else {
      throw ModalError(.serverError, "The server at \(serverURL) answered \(response.verdicts.count) verdicts for \(findings.count) secrets.")
    }
    return response.verdicts.map { verdict in
      verdict.label != "true_positive" ? .notOurs : verdict.revoked ? .revoked : .alreadyInactive
    }
  }

  /// The state of each token (id and secret); only the id and the secret's SHA-256 are sent.
  public func states(of tokens: [(tokenID: String, secret: String)]) async throws(ModalError) -> [TokenState] {
    var request = TokenStateRequest()
    for token in tokens {
      request.tokens.append(TokenFingerprint(tokenID: token.tokenID, secretSha256: try Self.fingerprint(of: token.secret)))
    }
    let response = try await transport.call(LeakReportsMethods.tokenState, request).response
    guard response.states.count == tokens.count else {
      throw ModalError(.serverError, "The server at \(serverURL) answered \(response.states.count) states for \(tokens.count) tokens.")
    }
    return response.states.map { TokenState(rawValue: $0) ?? .unknown }
  }

  /// The lower-case hex SHA-256 of a secret, what a check sends in its place (libcrypto, loaded on
  /// first use so `modal` does not load it at start).
  public static func fingerprint(of secret: String) throws(ModalError) -> String {
    guard let digest = SHA256.digest(Array(secret.utf8)) else {
      throw ModalError(
        .invalidConfig, "OpenSSL's libcrypto could not be loaded to hash the secrets.",
        remedy: "Install it (Debian: apt-get install libssl3; macOS: brew install openssl@3).")
    }
    return digest.map { byte in byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined()
  }
}
