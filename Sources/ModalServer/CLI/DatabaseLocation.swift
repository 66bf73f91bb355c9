import Foundation

/// Where the store lives, as `--database` (or `MODAL_SERVER_DATABASE_URL`) gives it.
enum DatabaseLocation: Equatable {
  /// An SQLite file.
  case sqlite(path: String)
  /// A PostgreSQL database: a libpq URL (`postgres://` or `postgresql://`).
  case postgres(url: String)

  /// Parses `text`: `postgres://…`/`postgresql://…`, `sqlite:PATH`, `sqlite://PATH` or a plain path;
  /// nothing or empty means the SQLite file in the data folder.
  init(_ text: String?, dataDirectory: String) throws(ServerError) {
    guard let text, !text.isEmpty else {
      self = .sqlite(path: SQLiteStore.path(dataDirectory: dataDirectory))
      return
    }
    if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
      self = .postgres(url: text)
      return
    }
    for prefix in ["sqlite://", "sqlite:"] where text.hasPrefix(prefix) {
      self = .sqlite(path: String(text.dropFirst(prefix.count)))
      return
    }
    guard !text.contains("://") else {
      throw ServerError(
        .invalidArgument, "Unsupported --database URL scheme in '\(DatabaseLocation.redacted(text))': use postgres://… or sqlite:PATH.")
    }
    self = .sqlite(path: text)
  }

  /// `url` with any password replaced by `***`, for error messages.
  static func redacted(_ url: String) -> String {
    guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") else { return url }
    let userInfo = url[scheme.upperBound..<at]
    guard let colon = userInfo.firstIndex(of: ":") else { return url }
    return String(url[..<colon]) + ":***" + String(url[at...])
  }
}
