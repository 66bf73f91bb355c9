#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import ModalJOSE
import RPC
import TextSearch

/// OAuth credentials: a refresh token a user granted to an app, the app's client id, and how the
/// app proves itself (a client secret, or an RSA key that signs an assertion for every call). How
/// an IDE plug-in, an agent or a CI service acts for a user without holding the user's token.
public struct OAuthCredentials: Sendable, Equatable, CustomStringConvertible {
  /// How the app proves itself on each call.
  public enum ClientAuthentication: Sendable, Equatable {
    /// `x-modal-oauth-client-secret` (`ov-…`).
    case secret(String)
    /// An RSA private key (PEM, unencrypted) that signs an RS256 `private_key_jwt` per call.
    case privateKey(pem: String)
  }

  /// The refresh token (`or-…` on modal-server). Never print it.
  public let refreshToken: String
  /// The app's client id (`oc-…`); not secret.
  public let clientID: String
  /// The secret or key.
  public let clientAuthentication: ClientAuthentication

  /// Creates OAuth credentials.
  public init(refreshToken: String, clientID: String, clientAuthentication: ClientAuthentication) {
    self.refreshToken = refreshToken
    self.clientID = clientID
    self.clientAuthentication = clientAuthentication
  }

  /// The client id and how it authenticates; never the refresh token, secret or key.
  public var description: String {
    switch clientAuthentication {
    case .secret(let secret): "OAuth client \(clientID) (refresh token \(Credentials.mask(refreshToken)), client secret \(Credentials.mask(secret)))"
    case .privateKey: "OAuth client \(clientID) (refresh token \(Credentials.mask(refreshToken)), private_key_jwt)"
    }
  }
}

/// Reads OAuth settings as Python modal 1.6.4 does (`modal/client.py`, `_Client.from_env`): from
/// the merged settings (`MODAL_OAUTH_*` over the profile's `oauth_*` keys), refusing a mix with a
/// token pair and naming what is missing, with Python's texts.
package enum OAuthSettings {
  /// Python's text for token-pair and OAuth settings configured together.
  package static let mixedMessage = "Modal token credentials and OAuth credentials cannot both be configured."
  /// Python's text for incomplete OAuth settings.
  package static let incompleteMessage =
    "OAuth refresh token, client ID, and exactly one of client secret or JWT key must be configured."

  /// The OAuth credentials the configuration holds, or nil when it has no OAuth setting.
  package static func resolve(_ config: ModalConfig) throws(ModalError) -> (OAuthCredentials, Credentials.Source)? {
    func setting(_ key: String) throws(ModalError) -> String? {
      guard let setting = Setting.named(key) else { return nil }
      return try config.string(setting).nonEmpty
    }
    let tokenID = try config.string(.tokenID).nonEmpty
    let tokenSecret = try config.string(.tokenSecret).nonEmpty
    let refreshToken = try setting("oauth_refresh_token")
    let clientID = try setting("oauth_client_id")
    let clientSecret = try setting("oauth_client_secret")
    let jwtKey = try setting("oauth_jwt_key")
    guard refreshToken != nil || clientID != nil || clientSecret != nil || jwtKey != nil else { return nil }
    guard tokenID == nil && tokenSecret == nil else {
      throw ModalError(
        .invalidCredentials, mixedMessage,
        remedy: "Unset MODAL_TOKEN_ID and MODAL_TOKEN_SECRET (or the profile's token_id and token_secret), or the OAuth settings.")
    }
    guard let refreshToken, let clientID, (clientSecret == nil) != (jwtKey == nil) else {
      throw ModalError(
        .missingCredentials, incompleteMessage,
        remedy: "Set MODAL_OAUTH_REFRESH_TOKEN, MODAL_OAUTH_CLIENT_ID and one of MODAL_OAUTH_CLIENT_SECRET or MODAL_OAUTH_JWT_KEY.")
    }
    let authentication: OAuthCredentials.ClientAuthentication
    if let clientSecret {
      authentication = .secret(clientSecret)
    } else {
      // Python accepts the key with escaped newlines (one line in a CI variable).
      let pem = (jwtKey ?? "").replacing(text: "\\n", with: "\n")
      _ = try OAuthAssertionMinter(clientID: clientID, privateKeyPEM: pem)
      authentication = .privateKey(pem: pem)
    }
    let credentials = OAuthCredentials(refreshToken: refreshToken, clientID: clientID, clientAuthentication: authentication)
    return (credentials, source(config))
  }

  /// Where the refresh token was set, in words.
  private static func source(_ config: ModalConfig) -> Credentials.Source {
    guard let setting = Setting.named("oauth_refresh_token"), let resolved = try? config.resolve(setting) else {
      return .named("the OAuth settings")
    }
    switch resolved.source {
    case .environment: return .named("the MODAL_OAUTH_* environment variables")
    case .profile(let name): return .named("the oauth_* keys of profile '\(name)'")
    case .defaultValue: return .named("the OAuth settings")
    }
  }
}

/// Mints `x-modal-oauth-client-assertion` as Python's `OAuthAssertionProvider` does: RS256, `kid`
/// the RFC 7638 thumbprint of the public key, `iss` = `sub` = the client id, `aud` `modal-server`,
/// 5 minutes of life and a fresh `jti`, for every request.
package struct OAuthAssertionMinter: Sendable {
  /// Python's audience and lifetime.
  package static let audience = "modal-server"
  /// Seconds an assertion lives.
  package static let lifetime = 300

  private let clientID: String
  private let key: JWTSigningKey

  /// Checks the key as Python does (an unencrypted RSA PEM of at least 2048 bits), with its texts.
  package init(clientID: String, privateKeyPEM: String) throws(ModalError) {
    let key: JWTSigningKey
    do {
      key = try JWTSigningKey(privateKeyPEM: privateKeyPEM)
    } catch {
      if case .invalidKey(let what) = error, what.contains(text: "bits") {
        throw ModalError(.invalidSetting, "oauth_jwt_key must be at least 2048 bits.")
      }
      throw ModalError(.invalidSetting, "oauth_jwt_key must be an unencrypted RSA private key encoded as PEM.")
    }
    guard key.algorithm == .rs256 else { throw ModalError(.invalidSetting, "oauth_jwt_key must be an RSA private key.") }
    self.clientID = clientID
    self.key = key
  }

  /// A new assertion; nil if libcrypto fails to sign (the server then refuses the call).
  package func mint(now: Int = Int(time(nil))) -> String? {
    let claims: [String: JSONValue] = [
      "iss": .string(clientID), "sub": .string(clientID), "aud": .string(Self.audience), "iat": .number(Double(now)),
      "exp": .number(Double(now + Self.lifetime)), "jti": .string(RetryState.makeUUID()),
    ]
    return try? key.sign(header: ["kid": .string(key.publicKey.thumbprint)], claims: claims)
  }
}

extension OAuthCredentials {
  /// The headers Python sends for these credentials, except the assertion (minted per attempt).
  package var headers: [(String, String)] {
    var headers = [("x-modal-refresh-token", refreshToken), ("x-modal-oauth-client-id", clientID)]
    if case .secret(let secret) = clientAuthentication { headers.append(("x-modal-oauth-client-secret", secret)) }
    return headers
  }

  /// What mints this app's assertions; nil for a client-secret app.
  package func minter() throws(ModalError) -> OAuthAssertionMinter? {
    guard case .privateKey(let pem) = clientAuthentication else { return nil }
    return try OAuthAssertionMinter(clientID: clientID, privateKeyPEM: pem)
  }
}
