/// Renders a table the way the Python CLI's `rich` does on a plain (non-terminal) output: one
/// space of padding around each cell, with the `SIMPLE_HEAD` box (blank edges, a rule under the
/// header) or the `HEAVY_HEAD` box that Python's `display_table` uses by default.
struct TableRenderer {
  /// Which of rich's boxes frames the table.
  enum Box {
    /// Blank top and bottom edges and a rule under the header (`box.SIMPLE_HEAD`; `box.SIMPLE`
    /// without a header).
    case simpleHead
    /// Heavy lines around the header, light lines around the rows (`box.HEAVY_HEAD`).
    case heavyHead
  }

  /// Column titles.
  let columns: [String]
  /// Rows of cells, one per column.
  let rows: [[String]]
  /// A title centred above the table, as rich prints it; nil for none.
  var title: String? = nil
  /// The frame.
  var box = Box.simpleHead
  /// Whether the titles are printed (rich's `show_header`).
  var showHeader = true
  /// The columns whose cells are right-justified.
  var rightAligned: Set<Int> = []

  /// The table's lines joined by newlines, with a final newline.
  func rendered() -> String {
    var widths = showHeader ? columns.map(\.count) : columns.map { _ in 0 }
    for row in rows {
      for (index, cell) in row.enumerated() where index < widths.count {
        widths[index] = max(widths[index], cell.count)
      }
    }
    let lines: [String]
    switch box {
    case .simpleHead: lines = simpleLines(widths)
    case .heavyHead: lines = heavyLines(widths)
    }
    var all = lines
    if let title {
      let width = all.first?.count ?? 0
      let padding = max(0, width - title.count)
      let centred = String(repeating: " ", count: padding / 2) + title + String(repeating: " ", count: padding - padding / 2)
      all.insert(centred, at: 0)
    }
    return all.joined(separator: "\n") + "\n"
  }

  /// The cells of a row, each padded to its column's width with one space either side.
  private func cells(_ row: [String], _ widths: [Int]) -> [String] {
    widths.enumerated().map { index, width in
      let cell = index < row.count ? row[index] : ""
      let padding = String(repeating: " ", count: width - cell.count)
      return " " + (rightAligned.contains(index) ? padding + cell : cell + padding) + " "
    }
  }

  private func simpleLines(_ widths: [Int]) -> [String] {
    func line(_ row: [String]) -> String { " " + cells(row, widths).joined(separator: " ") + " " }
    let rule = " " + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: "─") + " "
    // The box's top and bottom edges are blank lines as wide as the table.
    let edge = String(repeating: " ", count: rule.count)
    return [edge] + (showHeader ? [line(columns), rule] : []) + rows.map(line) + [edge]
  }

  private func heavyLines(_ widths: [Int]) -> [String] {
    func rule(_ left: String, _ fill: String, _ middle: String, _ right: String) -> String {
      left + widths.map { String(repeating: fill, count: $0 + 2) }.joined(separator: middle) + right
    }
    let header = showHeader ? ["┃" + cells(columns, widths).joined(separator: "┃") + "┃", rule("┡", "━", "╇", "┩")] : []
    return [rule("┏", "━", "┳", "┓")] + header + rows.map { "│" + cells($0, widths).joined(separator: "│") + "│" }
      + [rule("└", "─", "┴", "┘")]
  }
}
