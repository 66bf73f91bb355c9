import Foundation

/// A piece of HTML. String literals are markup; values interpolated into one are escaped unless
/// they are `HTML` themselves or the code says `\(raw: markup)`, so forgetting to escape takes a
/// visible decision instead of an oversight.
///
///     let row: HTML = "<td>\(token.name)</td>"           // the name is escaped
///     let page: HTML = "<main>\(row)</main>"             // HTML goes in as it is
package struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
  /// The markup.
  package let text: String

  package var description: String { text }

  /// Markup written in the code.
  package init(stringLiteral markup: String) { text = markup }

  /// Markup with interpolated values, escaped as `StringInterpolation` says.
  package init(stringInterpolation: StringInterpolation) { text = stringInterpolation.text }

  /// Markup from elsewhere, trusted as it is.
  package init(raw markup: String) { text = markup }

  /// Builds HTML: literals and `HTML` values as they are, everything else escaped.
  package struct StringInterpolation: StringInterpolationProtocol {
    fileprivate var text = ""

    package init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity * 2) }

    package mutating func appendLiteral(_ literal: String) { text += literal }
    /// Text, escaped.
    package mutating func appendInterpolation(_ value: String) { text += HTML.escape(value) }
    /// A number.
    package mutating func appendInterpolation<Number: BinaryInteger>(_ number: Number) { text += String(number) }
    /// A record id, escaped like any text.
    package mutating func appendInterpolation<Kind>(_ id: RecordID<Kind>) { text += HTML.escape(id.rawValue) }
    /// HTML, as it is.
    package mutating func appendInterpolation(_ html: HTML) { text += html.text }
    /// Several pieces of HTML, one after the other.
    package mutating func appendInterpolation(_ pieces: [HTML]) { for piece in pieces { text += piece.text } }
    /// Markup the code vouches for, as it is.
    package mutating func appendInterpolation(raw markup: String) { text += markup }
  }

  /// `text` with `& < > " '` escaped, safe in element content and quoted attributes.
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(character)
      }
    }
    return out
  }

  /// A hidden CSRF field.
  static func csrfField(_ token: String) -> HTML {
    "<input type=\"hidden\" name=\"csrf\" value=\"\(token)\">"
  }

  /// A complete page: head, navigation (with a log-out form when signed in), and `body`.
  static func page(title: String, body: HTML, user: User? = nil, csrf: String? = nil) -> HTML {
    var nav: HTML = "<a class=\"brand\" href=\"/\">modal-server</a>"
    if let user, let csrf {
      nav = """
        \(nav) <a href="/">Workspaces</a> <a href="/flow">Approve a login</a> <a href="/account/security">Security</a>
        <span class="who">\(user.email)</span>
        <form class="inline" method="post" action="/logout">\(csrfField(csrf))<button class="link" type="submit">Log out</button></form>
        """
    }
    return """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
      <title>\(title) · modal-server</title><link rel="stylesheet" href="/static/style.css"></head>
      <body><header><nav>\(nav)</nav></header><main>
      <h1>\(title)</h1>
      \(body)
      </main></body></html>

      """
  }

  /// A paragraph with a message box (`kind`: `error`, `warning`, `ok`).
  static func notice(_ text: String, kind: String) -> HTML {
    "<p class=\"notice \(kind)\">\(text)</p>"
  }

  /// A time as `YYYY-MM-DD HH:MM UTC`, or `—`.
  static func time(_ time: UnixTime?) -> HTML {
    guard let time else { return "—" }
    return "\(String(time.iso8601.prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC")"
  }
}
