/// The claim set of a JSON Web Token (RFC 7519 section 4), registered claims typed.
package struct JWTClaims: Sendable, Equatable {
  /// `iss`.
  package let issuer: String?
  /// `sub`.
  package let subject: String?
  /// `aud`: one string or an array of strings, as an array.
  package let audiences: [String]
  /// `exp`, seconds since 1970.
  package let expiresAt: Int?
  /// `nbf`, seconds since 1970.
  package let notBefore: Int?
  /// `iat`, seconds since 1970.
  package let issuedAt: Int?
  /// `jti`.
  package let id: String?
  /// Every claim, registered or not.
  package let all: [String: JSONValue]

  /// Reads the registered claims of `all`, refusing wrong types (a numeric `iss`, a string `exp`).
  package init(_ all: [String: JSONValue]) throws(JOSEError) {
    self.all = all
    issuer = try Self.string("iss", in: all)
    subject = try Self.string("sub", in: all)
    id = try Self.string("jti", in: all)
    expiresAt = try Self.time("exp", in: all)
    notBefore = try Self.time("nbf", in: all)
    issuedAt = try Self.time("iat", in: all)
    switch all["aud"] {
    case nil: audiences = []
    case .string(let audience): audiences = [audience]
    case .array(let elements):
      let strings = elements.compactMap(\.string)
      guard strings.count == elements.count else { throw .invalidClaim("aud") }
      audiences = strings
    default: throw .invalidClaim("aud")
    }
  }

  /// The claim `name` as text for matching: a string as is, a whole number without a fraction,
  /// `true`/`false`; `nil` when absent or an array, object or null.
  package func text(_ name: String) -> String? {
    switch all[name] {
    case .string(let value): value
    case .bool(let value): value ? "true" : "false"
    case .number(let value): JSONValue.number(value).serialized
    default: nil
    }
  }

  private static func string(_ name: String, in all: [String: JSONValue]) throws(JOSEError) -> String? {
    guard let value = all[name] else { return nil }
    guard let text = value.string else { throw .invalidClaim(name) }
    return text
  }

  /// A NumericDate: a number of seconds, fractions dropped.
  private static func time(_ name: String, in all: [String: JSONValue]) throws(JOSEError) -> Int? {
    guard let value = all[name] else { return nil }
    guard case .number(let seconds) = value, abs(seconds) < 1e15 else { throw .invalidClaim(name) }
    return Int(seconds.rounded(.down))
  }
}
