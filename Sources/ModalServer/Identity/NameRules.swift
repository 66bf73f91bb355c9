import Foundation

/// The naming rules of the API, with the exact error texts of the Python client (spec §10).
package enum NameRules {
  /// Whether `name` is a valid environment name (`allowPeriods` only for looking up existing ones).
  package static func isValidEnvironmentName(_ name: String, allowPeriods: Bool = false) -> Bool {
    let bytes = Array(name.utf8)
    guard !bytes.isEmpty, bytes.count <= 64, isAlphanumeric(bytes[0]) else { return false }
    guard !name.lowercased().hasPrefix("en-") else { return false }
    return bytes.dropFirst().allSatisfy {
      isAlphanumeric($0) || $0 == 0x2D || $0 == 0x5F || (allowPeriods && $0 == 0x2E)
    }
  }

  /// Throws `invalidArgument` with the Python client's text unless `name` is a valid new environment name.
  package static func checkEnvironmentName(_ name: String) throws(ServerError) {
    guard isValidEnvironmentName(name) else {
      throw ServerError(
        .invalidArgument,
        "Invalid Environment name: '\(name)'.\n\nEnvironment names must be 1-64 characters, can only start with "
          + "alphanumeric characters, may contain only alphanumeric characters, dashes, and underscores, "
          + "and cannot start with 'en-'.")
    }
  }

  /// Whether `name` is a valid object (secret) name: `[a-zA-Z0-9-_.]+`, at most 64, not an app id.
  package static func isValidObjectName(_ name: String) -> Bool {
    let bytes = Array(name.utf8)
    guard !bytes.isEmpty, bytes.count <= 64 else { return false }
    guard bytes.allSatisfy({ isAlphanumeric($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }) else { return false }
    let looksLikeAppID = name.hasPrefix("ap-") && bytes.count == 25 && bytes.dropFirst(3).allSatisfy(isAlphanumeric)
    return !looksLikeAppID
  }

  /// Throws `invalidArgument` with the Python client's text unless `name` is a valid object name.
  package static func checkObjectName(_ name: String, type: String = "Secret") throws(ServerError) {
    guard isValidObjectName(name) else {
      throw ServerError(
        .invalidArgument,
        "Invalid \(type) name: '\(name)'.\n\nNames may contain only alphanumeric characters, dashes, periods, and "
          + "underscores, must be shorter than 64 characters, and cannot conflict with App ID strings.")
    }
  }

  /// Workspace names: 2-63 lower-case letters, digits and dashes, starting with a letter or digit
  /// (they become profile names and URL parts).
  package static func checkWorkspaceName(_ name: String) throws(ServerError) {
    let bytes = Array(name.utf8)
    let valid =
      (2...63).contains(bytes.count) && (isLowerAlphanumeric(bytes[0]))
      && bytes.allSatisfy { isLowerAlphanumeric($0) || $0 == 0x2D }
    guard valid else {
      throw ServerError(
        .invalidArgument,
        "Invalid workspace name: '\(name)'. Workspace names have 2-63 characters: lower-case letters, digits and "
          + "dashes, starting with a letter or digit.")
    }
  }

  /// Normalises and checks an email address (lower-cased; one `@`, no spaces, at most 254 characters).
  package static func normalizeEmail(_ email: String) throws(ServerError) -> String {
    let trimmed = email.trimmingCharacters(in: .whitespaces).lowercased()
    let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
    let valid =
      trimmed.utf8.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
      && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
      && !trimmed.unicodeScalars.contains { $0.properties.isWhitespace || $0.properties.generalCategory == .control }
    guard valid else {
      throw ServerError(.invalidArgument, "Invalid email address: '\(email)'.")
    }
    return trimmed
  }

  /// The key failed logins are counted under: the normalized address, or, for text that is no
  /// address (it matches no user, and the login fails as for a wrong password), that text lower-cased.
  package static func loginKey(_ email: String) -> String {
    do {
      return try normalizeEmail(email)
    } catch {
      return email.lowercased()
    }
  }

  private static func isAlphanumeric(_ byte: UInt8) -> Bool {
    (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
  }

  private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
    (0x30...0x39).contains(byte) || (0x61...0x7A).contains(byte)
  }
}
