/// Renders a table the way the Python CLI's `rich` does with its `SIMPLE_HEAD` box on a plain
/// (non-terminal) output: one space of edge and of padding around each cell, a rule under the header.
struct TableRenderer {
  /// Column titles.
  let columns: [String]
  /// Rows of cells, one per column.
  let rows: [[String]]
  /// A title centred above the table, as rich prints it; nil for none.
  var title: String? = nil

  /// The table's lines joined by newlines, with a final newline.
  func rendered() -> String {
    var widths = columns.map(\.count)
    for row in rows {
      for (index, cell) in row.enumerated() where index < widths.count {
        widths[index] = max(widths[index], cell.count)
      }
    }
    func line(_ cells: [String]) -> String {
      var text = " "
      for (index, width) in widths.enumerated() {
        let cell = index < cells.count ? cells[index] : ""
        text += " " + cell + String(repeating: " ", count: width - cell.count) + " "
        text += index == widths.count - 1 ? " " : " "
      }
      return text
    }
    let rule = " " + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: "─") + " "
    // The box's top and bottom edges are blank lines as wide as the table.
    let edge = String(repeating: " ", count: rule.count)
    var lines = [edge, line(columns), rule] + rows.map(line) + [edge]
    if let title {
      let padding = max(0, rule.count - title.count)
      let centred = String(repeating: " ", count: padding / 2) + title + String(repeating: " ", count: padding - padding / 2)
      lines.insert(centred, at: 0)
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
