import CSodium

/// Hashes and verifies account passwords with argon2id (`crypto_pwhash_str`, libsodium's
/// "interactive" limits: 2 passes over 64 MiB, above OWASP's minimum of 19 MiB and t=2).
package struct PasswordHasher: Sendable {
  /// The number of passes (`opslimit`).
  package var opsLimit: UInt64
  /// The memory to use, in bytes (`memlimit`).
  package var memLimit: Int

  /// Creates a hasher with libsodium's interactive limits.
  package init() {
    opsLimit = UInt64(crypto_pwhash_OPSLIMIT_INTERACTIVE)
    memLimit = Int(crypto_pwhash_MEMLIMIT_INTERACTIVE)
  }

  /// The shortest password accepted (NIST SP 800-63B without MFA asks for 15; 12 is the floor here).
  package static let minimumLength = 12
  /// The longest password accepted, in bytes.
  package static let maximumLength = 1024

  /// Checks the length rules; throws `invalidArgument` naming the rule.
  package static func validate(_ password: String) throws(ServerError) {
    // The minimum counts characters as people see them (é is one); the maximum bounds the bytes hashed.
    guard password.count >= minimumLength else {
      throw ServerError(.invalidArgument, "The password is too short: use at least \(minimumLength) characters.")
    }
    guard password.utf8.count <= maximumLength else {
      throw ServerError(.invalidArgument, "The password is too long: use at most \(maximumLength) bytes.")
    }
  }

  /// The encoded argon2id hash of `password` (`$argon2id$v=19$m=…`), with a random salt.
  package func hash(_ password: String) throws(ServerError) -> String {
    _ = Sodium.ready
    var out = [CChar](repeating: 0, count: Int(crypto_pwhash_STRBYTES))
    let length = UInt64(password.utf8.count)
    let result = out.withUnsafeMutableBufferPointer { o in
      crypto_pwhash_str(o.baseAddress!, password, length, opsLimit, memLimit)
    }
    guard result == 0 else { throw ServerError(.internal, "Could not hash the password (out of memory).") }
    return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// Whether `password` matches `encoded` (constant-time inside libsodium).
  package func verify(_ password: String, against encoded: String) -> Bool {
    _ = Sodium.ready
    guard encoded.utf8.count < Int(crypto_pwhash_STRBYTES) else { return false }
    return crypto_pwhash_str_verify(encoded, password, UInt64(password.utf8.count)) == 0
  }
}
