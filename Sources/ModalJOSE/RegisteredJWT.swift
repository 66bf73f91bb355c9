/// A compact JWT read for what a verifier with the issuer's key in hand checks: the algorithm and
/// the registered claims, nothing else. The server reads a new one on every call made with an OAuth
/// client assertion, so the usual shape (see `FlatJSONScanner`) is read straight from the decoded
/// bytes on the stack, without the `JSONValue` trees `JSONWebToken` keeps; any other shape goes
/// through `JSONWebToken`, so the same texts are refused with the same errors.
package struct RegisteredJWT: Sendable {
  /// The signature algorithm the header names.
  package private(set) var algorithm = JWSAlgorithm.rs256
  /// `iss`.
  package private(set) var issuer: String?
  /// `sub`.
  package private(set) var subject: String?
  /// `jti`.
  package private(set) var id: String?
  /// `exp`, seconds since 1970.
  package private(set) var expiresAt: Int?
  /// `nbf`, seconds since 1970.
  package private(set) var notBefore: Int?
  /// `iat`, seconds since 1970.
  package private(set) var issuedAt: Int?
  /// `aud`, kept as sent so one audience needs no array.
  private var audience = Audience.none
  /// The token as given; the signature is checked over its first `signingInputLength` bytes.
  private let compact: String
  private var signingInputLength = 0
  /// Whether the fast path found `alg` (the general path refuses a header without it).
  private var hasAlgorithm = false

  private enum Audience: Sendable {
    case none
    case one(String)
    case many([String])
  }

  /// Parses `compact` as `JSONWebToken(compact:)` does, with the same refusals.
  package init(compact: String) throws(JOSEError) {
    if let token = RegisteredJWT(inPlace: compact) {
      self = token
    } else {
      try self.init(general: compact)
    }
  }

  /// Reads `compact` in place when it has the usual shape; `nil` otherwise.
  init?(inPlace compact: String) {
    self.compact = compact
    guard compact.utf8.withContiguousStorageIfAvailable({ read($0) }) == true else { return nil }
  }

  /// Reads `compact` through `JSONWebToken` only, so tests can compare both paths.
  init(general compact: String) throws(JOSEError) {
    self.compact = compact
    try readFully()
  }

  /// `aud`: one string or an array of strings, as an array.
  package var audiences: [String] {
    switch audience {
    case .none: []
    case .one(let name): [name]
    case .many(let names): names
    }
  }

  /// Whether `aud` names `name`.
  package func names(audience name: String) -> Bool {
    switch audience {
    case .none: false
    case .one(let one): one == name
    case .many(let names): names.contains(name)
    }
  }

  /// Whether `key` signed the token, as `JSONWebToken.isSigned(by:)` answers.
  package func isSigned(by key: VerificationKey) -> Bool {
    let answer = compact.utf8.withContiguousStorageIfAvailable { verify(with: key, text: $0) }
    return answer ?? Array(compact.utf8).withUnsafeBufferPointer { verify(with: key, text: $0) }
  }

  private func verify(with key: VerificationKey, text: UnsafeBufferPointer<UInt8>) -> Bool {
    let encoded = UnsafeBufferPointer(rebasing: text[(signingInputLength + 1)...])
    return Base64URL.withDecoded(encoded) { signature in
      guard let signature else { return false }
      return key.verifies(signature, over: UnsafeBufferPointer(rebasing: text[..<signingInputLength]), algorithm: algorithm)
    }
  }

  /// The general path: every shape `JSONWebToken` accepts.
  private mutating func readFully() throws(JOSEError) {
    let token = try JSONWebToken(compact: compact)
    let claims = token.claims
    algorithm = token.algorithm
    (issuer, subject, id) = (claims.issuer, claims.subject, claims.id)
    (expiresAt, notBefore, issuedAt) = (claims.expiresAt, claims.notBefore, claims.issuedAt)
    audience = .many(claims.audiences)
    signingInputLength = compact.utf8.count - compact.utf8.reversed().prefix { $0 != UInt8(ascii: ".") }.count - 1
  }

  /// The fast path; `false` when the token is not of the usual shape (or not valid at all).
  private mutating func read(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
    guard text.count <= JSONWebToken.maximumLength, let first = text.firstIndex(of: UInt8(ascii: ".")),
      let second = text[(first + 1)...].firstIndex(of: UInt8(ascii: ".")),
      !text[(second + 1)...].contains(UInt8(ascii: "."))
    else { return false }
    signingInputLength = second
    let signature = UnsafeBufferPointer(rebasing: text[(second + 1)...])
    return readSegment(UnsafeBufferPointer(rebasing: text[..<first])) { $0.readHeader($1, key: $2, value: $3) }
      && hasAlgorithm
      && readSegment(UnsafeBufferPointer(rebasing: text[(first + 1)..<second])) { $0.readClaims($1, key: $2, value: $3) }
      && Base64URL.withDecoded(signature) { $0 != nil }
  }

  private mutating func readSegment(
    _ encoded: UnsafeBufferPointer<UInt8>,
    _ member: (inout Self, UnsafeBufferPointer<UInt8>, Range<Int>, FlatJSONScanner.Value) -> Bool
  ) -> Bool {
    Base64URL.withDecoded(encoded) { json in
      guard let json else { return false }
      return FlatJSONScanner.scan(json) { key, value in member(&self, json, key, value) }
    }
  }

  private mutating func readHeader(_ json: UnsafeBufferPointer<UInt8>, key: Range<Int>, value: FlatJSONScanner.Value) -> Bool {
    if FlatJSONScanner.bytes(key, of: json, are: "alg") {
      // Unknown, `none` and `HS*` algorithms are refused by the general path, with its errors.
      guard case .string(let name) = value, let known = JWSAlgorithm(rawValue: FlatJSONScanner.text(name, of: json))
      else { return false }
      algorithm = known
      hasAlgorithm = true
    }
    return !FlatJSONScanner.bytes(key, of: json, are: "crit")
  }

  private mutating func readClaims(_ json: UnsafeBufferPointer<UInt8>, key: Range<Int>, value: FlatJSONScanner.Value) -> Bool {
    func string() -> String? {
      if case .string(let range) = value { return FlatJSONScanner.text(range, of: json) }
      return nil
    }
    func integer() -> Int? {
      if case .integer(let number) = value { return number }
      return nil
    }
    func named(_ name: StaticString) -> Bool { FlatJSONScanner.bytes(key, of: json, are: name) }
    // Every registered name has three letters; a claim of the wrong type is refused by the
    // general path.
    guard key.count == 3 else { return true }
    if named("iss") { issuer = string(); return issuer != nil }
    if named("sub") { subject = string(); return subject != nil }
    if named("jti") { id = string(); return id != nil }
    if named("exp") { expiresAt = integer(); return expiresAt != nil }
    if named("nbf") { notBefore = integer(); return notBefore != nil }
    if named("iat") { issuedAt = integer(); return issuedAt != nil }
    guard named("aud") else { return true }
    switch value {
    case .string(let range): audience = .one(FlatJSONScanner.text(range, of: json))
    case .stringArray(let range): audience = .many(FlatJSONScanner.strings(inArray: range, of: json))
    default: return false
    }
    return true
  }
}

extension RegisteredJWT: JWTTimes {}
