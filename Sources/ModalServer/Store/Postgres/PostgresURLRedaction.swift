import Foundation

/// Removes what could be pieces of the password from libpq's messages about a database URL.
///
/// A password with `@`, `/`, `:` or `%` that is not percent-encoded makes libpq split the URL in
/// the wrong places and then quote the pieces ("could not translate host name
/// \"ssw0rdSecret@db\""). Every run of three or more characters of the URL's user-information part
/// (after the user name), and of a `password=` value in a key=value string, is masked.
enum PostgresURLRedaction {
  /// `message` with every fragment of the URL's password region replaced by `****`.
  static func redact(_ message: String, url: String) -> String {
    var result = message
    for fragment in fragments(of: url).sorted(by: { $0.count > $1.count }) {
      result = result.replacing(fragment, with: "****")
    }
    return result
  }

  /// The pieces of `url` that may hold a password.
  static func fragments(of url: String) -> [String] {
    var region = ""
    if let scheme = url.range(of: "://") {
      let rest = url[scheme.upperBound...]
      // Everything up to the last `@` is user information, however many `@` the password holds.
      if let at = rest.lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") {
        region = String(rest[rest.index(after: colon)..<at])
      }
    } else if let key = url.range(of: "password=") {
      region = String(url[key.upperBound...].prefix { $0 != " " })
    }
    return region.split(whereSeparator: { "@/:%?#&=' ".contains($0) }).map(String.init).filter { $0.count >= 3 }
  }
}
