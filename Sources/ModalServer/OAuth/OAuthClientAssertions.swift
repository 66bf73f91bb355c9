import Foundation
import ModalJOSE
import RPC

/// Verifies `x-modal-oauth-client-assertion`: an RS256 `private_key_jwt` (RFC 7523) that Python
/// modal 1.6.4 mints afresh for every call (`modal/_utils/oauth.py`): `iss` = `sub` = the client
/// id, `aud` `modal-server`, 5 minutes of life, a new `jti`.
///
/// Replays are caught per replica: each remembers the `jti`s it accepted until they expire. An
/// assertion travels only beside its refresh token on one TLS connection, so replaying it to another
/// replica needs both headers of a live call; a cluster-wide check would add a database write to
/// every call. Lifetimes over `maximumLifetime` are refused, which bounds the memory and the window.
package final class OAuthClientAssertions: Sendable {
  /// The `aud` every assertion must name (Python's `_OAUTH_CLIENT_ASSERTION_AUDIENCE`).
  package static let audience = "modal-server"
  /// The longest life an assertion may claim, in seconds (Python's are 300).
  package static let maximumLifetime = 600
  /// Clock skew allowed each way, in seconds.
  package static let leeway = 30

  private struct State {
    /// An accepted assertion → the time (seconds) after which it is refused anyway.
    var seen: [Use: Int] = [:]
    /// Public keys by client id, in libcrypto's form (made once: it costs more than a
    /// verification), with the JWK text they came from.
    var keys: [OAuthClientID: (text: String, key: VerificationKey)] = [:]
  }

  /// One accepted assertion: its app and `jti` (the pair is the key, so no text is joined per call).
  private struct Use: Hashable {
    let client: OAuthClientID
    let jti: String
  }

  private let state = Locked(State())
  /// The most remembered `jti`s; beyond it expired ones are dropped first, then every one (a
  /// flood of valid assertions would need the key).
  private let capacity: Int

  /// An empty cache.
  package init(capacity: Int = 200_000) { self.capacity = capacity }

  /// Checks `assertion` for `app` at `now` (seconds since 1970). Returns `false` when it is not a
  /// token signed by the app's key (the caller answers as for a wrong secret); throws a specific
  /// `unauthenticated` error when it is signed but its claims are wrong, it has expired, or it
  /// was used before.
  package func verify(_ assertion: String, app: OAuthAppRecord, now: Int) throws(ServerError) -> Bool {
    guard case .publicKey(let text) = app.authentication, let key = key(of: app.id, text: text),
      let claims = try? RegisteredJWT(compact: assertion), claims.algorithm == .rs256, claims.isSigned(by: key)
    else { return false }
    let client = app.id.rawValue
    guard claims.issuer == client, claims.subject == client else {
      throw refusal("its iss and sub must both be the client id \(client)")
    }
    guard claims.names(audience: Self.audience) else { throw refusal("its aud must be \"\(Self.audience)\"") }
    do {
      try JWTTimeCheck().check(claims, now: now, leeway: Self.leeway)
    } catch {
      if error == .expired {
        throw ServerError(
          .unauthenticated,
          "The OAuth client assertion has expired; mint a new one for every call (Python modal does).")
      }
      throw refusal(error.description)
    }
    guard let expiresAt = claims.expiresAt, expiresAt - now <= Self.maximumLifetime + Self.leeway else {
      throw refusal("it may live at most \(Self.maximumLifetime) seconds")
    }
    guard let jti = claims.id, !jti.isEmpty, jti.utf8.count <= 200 else { throw refusal("it needs a jti") }
    guard firstUse(Use(client: app.id, jti: jti), until: expiresAt + Self.leeway, now: now) else {
      throw ServerError(
        .unauthenticated, "The OAuth client assertion was already used (its jti repeats); mint a new one for every call.")
    }
    return true
  }

  private func refusal(_ why: String) -> ServerError {
    ServerError(.unauthenticated, "The OAuth client assertion is not acceptable: \(why).")
  }

  /// The app's key, parsed and made ready once per JWK text.
  private func key(of id: OAuthClientID, text: String) -> VerificationKey? {
    if let known = state.withLock({ $0.keys[id] }), known.text == text { return known.key }
    guard let key = try? VerificationKey(OAuthClientKey.parse(text)) else { return nil }
    state.withLock { $0.keys[id] = (text, key) }
    return key
  }

  /// Remembers `key` until `expiry`; `false` if it is already remembered.
  private func firstUse(_ key: Use, until expiry: Int, now: Int) -> Bool {
    state.withLock { state in
      if let known = state.seen[key], known > now { return false }
      if state.seen.count >= capacity {
        state.seen = state.seen.filter { $0.value > now }
        if state.seen.count >= capacity { state.seen.removeAll() }
      }
      state.seen[key] = expiry
      return true
    }
  }
}

/// The public key of a `private_key_jwt` app, as its owner gives it: a PEM public key or a JWK
/// (RSA, at least 2048 bits).
package enum OAuthClientKey {
  /// The key in `text` (PEM or JWK JSON); `invalidArgument` saying what to give otherwise.
  package static func parse(_ text: String) throws(ServerError) -> JSONWebKey {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    let key: JSONWebKey
    do {
      if trimmed.hasPrefix("-----BEGIN") {
        key = try JSONWebKey(publicKeyPEM: trimmed)
      } else {
        guard let members = try JSONValue(parsing: Array(trimmed.utf8)).object else {
          throw ServerError(.invalidArgument, "The public key JSON is not a JWK object.")
        }
        key = try JSONWebKey(jwk: members)
      }
    } catch let error as ServerError {
      throw error
    } catch {
      throw ServerError(
        .invalidArgument, "The public key cannot be used: \(error). Give an RSA public key (PEM or JWK) of 2048 bits or more.")
    }
    guard key.kind == .rsa else {
      throw ServerError(.invalidArgument, "OAuth client assertions are RS256: give an RSA public key, not an EC or Ed25519 one.")
    }
    return key
  }

  /// The key as the JWK text an app record stores (public members only, sorted).
  package static func storedText(_ key: JSONWebKey) -> String { JSONValue.object(key.jsonObject).serialized }
}
