/// The comments written in a .proto file, by declaration path (as `SourceCodeInfo` numbers them).
struct SourceComments {
  private var leading: [[Int32]: String] = [:]

  /// Path components: the field numbers of the descriptor messages that lead to a declaration.
  enum PathTag {
    static let fileMessage: Int32 = 4
    static let fileEnum: Int32 = 5
    static let fileService: Int32 = 6
    static let messageField: Int32 = 2
    static let messageNested: Int32 = 3
    static let messageEnum: Int32 = 4
    static let messageOneof: Int32 = 8
    static let enumValue: Int32 = 2
    static let serviceMethod: Int32 = 2
  }

  init(_ info: SourceCodeInfo?) {
    for location in info?.locations ?? [] {
      let comment = location.leadingComments.isEmpty ? location.trailingComments : location.leadingComments
      if !comment.isEmpty { leading[location.path] = comment }
    }
  }

  /// The comment of the declaration at `path` as doc-comment lines, or `fallback` when it has none.
  func lines(_ path: [Int32], fallback: String) -> [String] {
    guard let comment = leading[path] else { return [fallback] }
    var lines = comment.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
      var text = Substring(line)
      if text.first == " " { text = text.dropFirst() }
      while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
      return String(text)
    }
    while lines.last?.isEmpty == true { lines.removeLast() }
    while lines.first?.isEmpty == true { lines.removeFirst() }
    return lines.isEmpty ? [fallback] : lines
  }
}
