import Foundation
import ModalJOSE

/// Fetches a document over HTTPS for the key cache: the seam between federation and the HTTP
/// client, so tests can stand in for an issuer.
package protocol FederationDocumentFetcher: Sendable {
  /// The body of a 200 answer to `GET url`; anything else is an error saying what happened.
  func get(_ url: String) async throws(FederationFetchError) -> [UInt8]
}

/// Why an issuer's document could not be fetched (for the operator's log and a
/// `temporarily_unavailable` answer).
package struct FederationFetchError: Error, Sendable {
  /// What went wrong, without any token.
  package let message: String
  /// Creates the error.
  package init(_ message: String) { self.message = message }
}

/// The verification keys of trust policies: stored JWKS documents, parsed once, and remote ones
/// (a JWKS URL, or the issuer's OpenID discovery document's `jwks_uri`), fetched over HTTPS and
/// kept for `maximumAgeSeconds`; a token naming a `kid` the cached set lacks triggers one fetch, at
/// most once per `refreshSeconds` per source, so a flood of made-up `kid`s cannot flood the issuer.
package actor FederationKeyCache {
  private struct Entry {
    var keys: JSONWebKeySet
    var fetchedAt: UnixTime
  }

  private let fetcher: any FederationDocumentFetcher
  private let clock: ServerClock
  private let refreshSeconds: Int64
  private let maximumAgeSeconds: Int64
  private var entries: [String: Entry] = [:]
  private var lastAttempt: [String: UnixTime] = [:]
  /// Documents stored with policies, parsed, by policy id (with the text, to notice a change).
  private var documents: [FederationPolicyID: (text: String, keys: JSONWebKeySet)] = [:]
  /// How many times a remote source was fetched (tests check caching and the refresh limit).
  package private(set) var fetchCount = 0

  /// A cache fetching through `fetcher`, timed by `clock`.
  package init(
    fetcher: any FederationDocumentFetcher, clock: ServerClock = .system, refreshSeconds: Int64 = 60,
    maximumAgeSeconds: Int64 = 3600
  ) {
    self.fetcher = fetcher
    self.clock = clock
    self.refreshSeconds = refreshSeconds
    self.maximumAgeSeconds = maximumAgeSeconds
  }

  /// The keys `token` may be signed with under `policy`: the one its `kid` names, or every key
  /// of the set when it names none.
  package func candidates(for token: JSONWebToken, policy: FederationPolicy) async throws(OAuthError) -> [JSONWebKey] {
    if case .document(let text) = policy.terms.keys {
      return try Self.pick(token, from: try document(text, policy: policy.id), refreshed: false)
    }
    let source = Self.sourceKey(policy)
    let now = clock.now()
    if let entry = entries[source], now < entry.fetchedAt.adding(seconds: maximumAgeSeconds) {
      if let keys = try? Self.pick(token, from: entry.keys, refreshed: false) { return keys }
      // An unknown kid: the issuer may have rotated its keys; fetch again unless that was just done.
      if let last = lastAttempt[source], now < last.adding(seconds: refreshSeconds) {
        return try Self.pick(token, from: entry.keys, refreshed: true)
      }
    }
    let keys = try await fetch(policy, source: source)
    return try Self.pick(token, from: keys, refreshed: true)
  }

  private func document(_ text: String, policy: FederationPolicyID) throws(OAuthError) -> JSONWebKeySet {
    if let cached = documents[policy], cached.text == text { return cached.keys }
    do {
      let keys = try JSONWebKeySet(json: Array(text.utf8))
      documents[policy] = (text, keys)
      return keys
    } catch {
      throw OAuthError(.temporarilyUnavailable, "The federation policy's JWKS document cannot be read; ask an owner to fix it.")
    }
  }

  private static func sourceKey(_ policy: FederationPolicy) -> String {
    switch policy.terms.keys {
    case .url(let url): "url " + url
    default: "discovery " + policy.terms.issuer
    }
  }

  /// Fetches the source's key set (through discovery when needed) and caches it; on failure the
  /// stale set, if any, is kept and used.
  private func fetch(_ policy: FederationPolicy, source: String) async throws(OAuthError) -> JSONWebKeySet {
    lastAttempt[source] = clock.now()
    fetchCount += 1
    do throws(FederationFetchError) {
      let url: String
      switch policy.terms.keys {
      case .url(let given): url = given
      default: url = try await Self.jwksURI(issuer: policy.terms.issuer, fetcher: fetcher)
      }
      let body = try await fetcher.get(url)
      let keys: JSONWebKeySet
      do {
        keys = try JSONWebKeySet(json: body)
      } catch {
        throw FederationFetchError("The JWKS at \(url) is not a valid key set: \(error).")
      }
      entries[source] = Entry(keys: keys, fetchedAt: clock.now())
      return keys
    } catch {
      if let stale = entries[source] { return stale.keys }
      throw OAuthError(
        .temporarilyUnavailable, "The server could not fetch the issuer's keys (\(error.message)); try again later.")
    }
  }

  /// The `jwks_uri` of `issuer`'s OpenID discovery document; it must be https.
  static func jwksURI(issuer: String, fetcher: any FederationDocumentFetcher) async throws(FederationFetchError) -> String {
    let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
    let body = try await fetcher.get(base + "/.well-known/openid-configuration")
    guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
      let uri = object["jwks_uri"] as? String
    else {
      throw FederationFetchError("the issuer's discovery document has no jwks_uri")
    }
    guard uri.lowercased().hasPrefix("https://") else {
      throw FederationFetchError("the issuer's jwks_uri is not https")
    }
    return uri
  }

  /// The keys for `token` in `keys`; an unknown `kid` is `invalid_grant` once the set was refreshed.
  private static func pick(_ token: JSONWebToken, from keys: JSONWebKeySet, refreshed: Bool) throws(OAuthError)
    -> [JSONWebKey]
  {
    let candidates = keys.candidates(for: token)
    guard candidates.isEmpty, token.keyID != nil else { return candidates }
    throw OAuthError(
      .invalidGrant,
      refreshed
        ? "The subject_token's key id (kid) is not among the issuer's keys, even after fetching them again."
        : "The subject_token's key id (kid) is not among the issuer's keys.")
  }
}
