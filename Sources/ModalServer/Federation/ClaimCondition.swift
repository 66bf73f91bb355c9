import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One condition of a trust policy: claim `key` must be present and match `pattern`, exactly, or
/// as a glob when the pattern has `*`, `?` or `[` (shell rules, `*` also crossing `/`, so
/// `repo:acme/*` matches `repo:acme/app:ref:refs/heads/main`).
package struct ClaimCondition: Sendable, Hashable {
  /// The claim's name (`repository`, `ref`, `environment`, `sub`, …).
  package var key: String
  /// The exact value or glob.
  package var pattern: String

  /// Creates a condition.
  package init(key: String, pattern: String) {
    self.key = key
    self.pattern = pattern
  }

  /// Parses `KEY=PATTERN` (the `--claim` option); the key is a claim name, the pattern not empty.
  package init(parsing text: String) throws(ServerError) {
    guard let equals = text.firstIndex(of: "=") else {
      throw ServerError(.invalidArgument, "A claim condition is KEY=PATTERN (e.g. repository=acme/app); '=' is missing.")
    }
    let key = String(text[..<equals]).trimmingCharacters(in: .whitespaces)
    let pattern = String(text[text.index(after: equals)...])
    guard !key.isEmpty, key.count <= 100, key.allSatisfy({ $0.isLetter || $0.isNumber || "_-.:".contains($0) }) else {
      throw ServerError(
        .invalidArgument, "A claim name has 1 to 100 letters, digits, '_', '-', '.' or ':' (in KEY=PATTERN).")
    }
    guard !pattern.isEmpty, pattern.count <= 500,
      !pattern.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    else {
      throw ServerError(
        .invalidArgument, "The pattern of claim '\(key)' must have 1 to 500 characters and no control characters.")
    }
    self.init(key: key, pattern: pattern)
  }

  /// Whether the pattern is a glob rather than an exact value.
  package var isGlob: Bool { pattern.contains(where: { "*?[".contains($0) }) }

  /// Whether `value` (the claim as text, `nil` when absent) meets the condition.
  package func matches(_ value: String?) -> Bool {
    guard let value else { return false }
    guard isGlob else { return value == pattern }
    // fnmatch(3): shell globbing without FNM_PATHNAME, so `*` matches `/` too.
    return fnmatch(pattern, value, 0) == 0
  }

  /// `KEY=PATTERN`.
  package var description: String { "\(key)=\(pattern)" }
}
