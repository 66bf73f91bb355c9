/// Builds a page in the Prometheus text exposition format 0.0.4: `# HELP` and `# TYPE` once per
/// family, then its samples, label values escaped as the format requires.
package struct PrometheusText {
  /// The content type of the page.
  package static let contentType = "text/plain; version=0.0.4; charset=utf-8"

  /// The page so far.
  package private(set) var text = ""

  /// An empty page.
  package init() {}

  /// Starts a family: its help text and type (`counter`, `gauge`, `histogram`).
  package mutating func family(_ name: String, _ type: String, _ help: String) {
    text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
  }

  /// One sample line.
  package mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: Double) {
    text += name
    if !labels.isEmpty {
      text += "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
    }
    text += " \(Self.number(value))\n"
  }

  /// One sample line with a whole-number value.
  package mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: UInt64) {
    sample(name, labels, Double(value))
  }

  /// A histogram's `_bucket` (cumulative, with `+Inf`), `_sum` and `_count` lines.
  package mutating func histogram(_ name: String, _ labels: [(String, String)], _ snapshot: LatencyHistogram.Snapshot) {
    var cumulative: UInt64 = 0
    for (index, count) in snapshot.buckets.enumerated() {
      cumulative &+= count
      let bound = index < LatencyHistogram.bounds.count ? Self.number(LatencyHistogram.bounds[index]) : "+Inf"
      sample(name + "_bucket", labels + [("le", bound)], cumulative)
    }
    sample(name + "_sum", labels, snapshot.sum)
    sample(name + "_count", labels, snapshot.count)
  }

  /// A value as the format writes it: whole numbers without a fraction.
  static func number(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
  }

  /// A label value: backslash, double quote and line feed escaped.
  static func escape(_ value: String) -> String {
    var escaped = ""
    for character in value {
      switch character {
      case "\\": escaped += "\\\\"
      case "\"": escaped += "\\\""
      case "\n": escaped += "\\n"
      default: escaped.append(character)
      }
    }
    return escaped
  }
}
