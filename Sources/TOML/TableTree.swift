/// The tables of a document under construction, and TOML's rules about defining them.
///
/// Tables live in an arena and refer to each other by index, so the parser can keep adding keys to
/// any open table in place; `materialize` turns the arena into `TOMLTable` values at the end.
struct TableTree {
  /// How a table came to exist, which decides how it may be extended.
  enum Origin {
    /// The document's root table.
    case root
    /// Created as the parent of a header, such as `a` for `[a.b]`; may be defined once later.
    case implicit
    /// Defined by a `[header]`.
    case header
    /// Created by a dotted key such as `a.b = 1`; only dotted keys may extend it.
    case dotted
    /// One element of an array of tables, created by `[[header]]`.
    case arrayElement
    /// An inline table being parsed.
    case inline
  }

  /// What a key holds.
  enum Slot {
    /// A finished value: a scalar, a static array or an inline table, never extended.
    case value(TOMLValue)
    /// A table in the arena.
    case table(Int)
    /// An array of tables, an index into `tableArrays`.
    case tableArray(Int)
  }

  /// One key of a table.
  struct Entry {
    var key: String
    var slot: Slot
    /// Byte offset where the key (or header) that created the entry starts.
    var offset: Int
  }

  /// A table in the arena.
  struct Node {
    var origin: Origin
    var entries: [Entry] = []
    /// Position of each key in `entries`; empty while small (see `TOMLTable.linearSearchLimit`).
    var index: [String: Int] = [:]
  }

  /// A redefinition or type conflict, located by byte offsets; the parser turns it into a
  /// `TOMLError` with line and column.
  struct Conflict: Error {
    var code: TOMLError.Code
    var message: String
    var offset: Int
    /// Where the earlier definition starts, shown as "(first at line N)".
    var firstOffset: Int?
    /// How the earlier definition is introduced: "first" for a repeat, "defined" for a clash.
    var firstLabel = "defined"
  }

  /// "an integer", "a string": a type name with its article.
  private static func article(_ typeName: String) -> String {
    (typeName.first.map { "aeiou".contains($0) } ?? false) ? "an \(typeName)" : "a \(typeName)"
  }

  /// The tables; index 0 is the root.
  private(set) var nodes: [Node] = [Node(origin: .root)]
  /// The element tables of each array of tables.
  private var tableArrays: [[Int]] = []

  /// The position of `key` in table `node`, or nil.
  @inline(__always) private func position(of key: String, in node: Int) -> Int? {
    if nodes[node].index.isEmpty {
      var position = 0
      let count = nodes[node].entries.count
      while position < count {
        if nodes[node].entries[position].key == key { return position }
        position += 1
      }
      return nil
    }
    return nodes[node].index[key]
  }

  /// Appends an entry to table `node`, keeping its index.
  private mutating func append(_ entry: Entry, to node: Int) {
    nodes[node].entries.append(entry)
    let count = nodes[node].entries.count
    if !nodes[node].index.isEmpty {
      nodes[node].index[entry.key] = count - 1
    } else if count > TOMLTable.linearSearchLimit {
      var index = [String: Int](minimumCapacity: count * 2)
      for (position, existing) in nodes[node].entries.enumerated() { index[existing.key] = position }
      nodes[node].index = index
    }
  }

  /// Adds a new table to the arena and returns its index.
  private mutating func newNode(_ origin: Origin) -> Int {
    nodes.append(Node(origin: origin))
    return nodes.count - 1
  }

  /// Starts an inline table; finish it with `closeInline`.
  mutating func openInline() -> Int { newNode(.inline) }

  /// Finishes the inline table `node` (the most recently opened one) and returns its value.
  mutating func closeInline(_ node: Int) -> TOMLTable {
    let table = materialize(node)
    nodes.removeSubrange(node...)
    return table
  }

  /// Steps from `table` into its child `key[part]` on the way to a key or a header, creating the
  /// child when missing. Headers pass through any table and into the latest element of an array
  /// of tables; dotted keys pass only through tables that dotted keys created (or implicit ones).
  /// `action` starts the message of a conflict, such as "cannot add key 'a.b'".
  private mutating func descend(
    from table: Int, along key: DottedKey, part: Int, header: Bool, action: String, offset: Int
  ) throws(Conflict) -> (node: Int, throughArray: Bool) {
    let name = key[part]
    guard let position = position(of: name, in: table) else {
      let child = newNode(header ? .implicit : .dotted)
      append(Entry(key: name, slot: .table(child), offset: offset), to: table)
      return (child, false)
    }
    let entry = nodes[table].entries[position]
    let prefix = key.prefixText(part + 1)
    switch entry.slot {
    case .table(let child):
      if !header {
        switch nodes[child].origin {
        case .dotted:
          break
        case .implicit:
          nodes[child].origin = .dotted
        default:
          throw Conflict(
            code: .duplicateKey,
            message: "\(action) with dotted keys: '\(prefix)' is a table defined by a [header], "
              + "which dotted keys cannot extend",
            offset: offset, firstOffset: entry.offset)
        }
      }
      return (child, false)
    case .tableArray(let array):
      guard header else {
        throw Conflict(
          code: .duplicateKey,
          message: "\(action) with dotted keys: '\(prefix)' is an array of tables",
          offset: offset, firstOffset: entry.offset)
      }
      return (tableArrays[array][tableArrays[array].count - 1], true)
    case .value(let existing):
      throw Conflict(
        code: .duplicateKey,
        message: existing.tableValue != nil
          ? "\(action): inline table '\(prefix)' cannot be extended"
          : "\(action): '\(prefix)' is already \(Self.article(existing.typeName)), not a table",
        offset: offset, firstOffset: entry.offset)
    }
  }

  /// Defines `key` (parts relative to table `node`) as `value`, creating dotted tables on the way.
  mutating func insert(
    _ value: TOMLValue, at key: DottedKey, into node: Int, offset: Int
  ) throws(Conflict) {
    var table = node
    for part in 0..<key.count - 1 {
      table = try descend(
        from: table, along: key, part: part, header: false, action: "cannot add key '\(key.text)'",
        offset: offset
      ).node
    }
    let last = key[key.count - 1]
    if let position = position(of: last, in: table) {
      throw Conflict(
        code: .duplicateKey, message: "key '\(key.text)' is defined twice", offset: offset,
        firstOffset: nodes[table].entries[position].offset, firstLabel: "first")
    }
    append(Entry(key: last, slot: .value(value), offset: offset), to: table)
  }

  /// Opens the table named by a `[header]` (or appends an element for `[[header]]`) and returns
  /// it, with whether the path passes through an array of tables.
  mutating func open(
    header key: DottedKey, isArray: Bool, offset: Int
  ) throws(Conflict) -> (node: Int, inArray: Bool) {
    var table = 0
    var inArray = false
    for part in 0..<key.count - 1 {
      let step = try descend(
        from: table, along: key, part: part, header: true,
        action: "cannot define table [\(key.text)]", offset: offset)
      table = step.node
      inArray = inArray || step.throughArray
    }
    let last = key[key.count - 1]
    let shown = isArray ? "[[\(key.text)]]" : "[\(key.text)]"
    guard let position = position(of: last, in: table) else {
      let child = newNode(isArray ? .arrayElement : .header)
      if isArray {
        tableArrays.append([child])
        append(Entry(key: last, slot: .tableArray(tableArrays.count - 1), offset: offset), to: table)
      } else {
        append(Entry(key: last, slot: .table(child), offset: offset), to: table)
      }
      return (child, inArray || isArray)
    }
    let entry = nodes[table].entries[position]
    switch entry.slot {
    case .table(let child) where !isArray:
      switch nodes[child].origin {
      case .implicit:
        nodes[child].origin = .header
        nodes[table].entries[position].offset = offset
        return (child, inArray)
      case .dotted:
        throw Conflict(
          code: .duplicateKey, message: "table \(shown) is already defined by dotted keys",
          offset: offset, firstOffset: entry.offset)
      default:
        throw Conflict(
          code: .duplicateKey, message: "table \(shown) is defined twice", offset: offset,
          firstOffset: entry.offset, firstLabel: "first")
      }
    case .table:
      throw Conflict(
        code: .duplicateKey,
        message: "cannot define array of tables \(shown): '\(key.text)' is already a table",
        offset: offset, firstOffset: entry.offset)
    case .tableArray(let array):
      guard isArray else {
        throw Conflict(
          code: .duplicateKey,
          message: "cannot define table \(shown): '\(key.text)' is already an array of tables",
          offset: offset, firstOffset: entry.offset)
      }
      let child = newNode(.arrayElement)
      tableArrays[array].append(child)
      return (child, true)
    case .value(let existing):
      let what: String
      if existing.tableValue != nil {
        what = "an inline table"
      } else if existing.arrayValue != nil {
        what = isArray ? "a static array, which [[ ]] cannot extend" : "an array"
      } else {
        what = Self.article(existing.typeName)
      }
      throw Conflict(
        code: .duplicateKey,
        message: "cannot define \(isArray ? "array of tables" : "table") \(shown): "
          + "'\(key.text)' is already \(what)",
        offset: offset, firstOffset: entry.offset)
    }
  }

  /// The finished value of table `node` and everything below it.
  func materialize(_ node: Int) -> TOMLTable {
    let source = nodes[node]
    var entries: [(key: String, value: TOMLValue)] = []
    entries.reserveCapacity(source.entries.count)
    for entry in source.entries {
      switch entry.slot {
      case .value(let value):
        entries.append((entry.key, value))
      case .table(let child):
        entries.append((entry.key, .table(materialize(child))))
      case .tableArray(let array):
        entries.append((entry.key, .array(tableArrays[array].map { .table(materialize($0)) })))
      }
    }
    return TOMLTable(uniqueEntries: entries, index: source.index)
  }
}

/// A key as written: one or more parts joined by dots.
///
/// The first part is stored apart so the common single-part key allocates no array.
struct DottedKey {
  /// The first part.
  var first: String
  /// The parts after the first.
  var rest: [String] = []

  /// The number of parts.
  var count: Int { rest.count + 1 }

  /// Part `index`.
  subscript(index: Int) -> String { index == 0 ? first : rest[index - 1] }

  /// All parts.
  var parts: [String] { [first] + rest }

  /// The key in TOML syntax, quoting parts that need it.
  var text: String { prefixText(count) }

  /// The first `length` parts in TOML syntax.
  func prefixText(_ length: Int) -> String {
    (0..<length).map { KeySyntax.format(self[$0]) }.joined(separator: ".")
  }
}
