import Foundation

/// HTML escaping and the page layout every dashboard page shares.
enum HTML {
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
  static func csrfField(_ token: String) -> String {
    "<input type=\"hidden\" name=\"csrf\" value=\"\(escape(token))\">"
  }

  /// A complete page: head, navigation (with a log-out form when signed in), and `body` (already HTML).
  static func page(title: String, body: String, user: User? = nil, csrf: String? = nil) -> String {
    var nav = "<a class=\"brand\" href=\"/\">modal-server</a>"
    if let user, let csrf {
      nav += """
         <a href="/">Workspaces</a> <a href="/flow">Approve a login</a>
        <span class="who">\(escape(user.email))</span>
        <form class="inline" method="post" action="/logout">\(csrfField(csrf))<button class="link" type="submit">Log out</button></form>
        """
    }
    return """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
      <title>\(escape(title)) · modal-server</title><link rel="stylesheet" href="/static/style.css"></head>
      <body><header><nav>\(nav)</nav></header><main>
      <h1>\(escape(title))</h1>
      \(body)
      </main></body></html>

      """
  }

  /// A paragraph with a message box (`kind`: `error`, `warning`, `ok`).
  static func notice(_ text: String, kind: String) -> String {
    "<p class=\"notice \(kind)\">\(escape(text))</p>"
  }

  /// A time as `YYYY-MM-DD HH:MM UTC`, or `—`.
  static func time(_ time: UnixTime?) -> String {
    guard let time else { return "—" }
    let iso = time.iso8601
    return escape(String(iso.prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC")
  }
}
