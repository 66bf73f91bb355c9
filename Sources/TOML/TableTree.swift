/// The tables of a document under construction, and TOML's rules about defining them.
///
/// Tables live in an arena and refer to each other by index, so the parser can keep adding keys to
/// any open table in place. Each table already holds its final `(key, value)` entries; a key that
/// holds a table of the arena has a placeholder value and a link, which `materialize` replaces by
/// the finished table, moving (never copying) the entries.
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

  /// What a key's entry stands for.
  enum Link {
    /// A finished value: a scalar, a static array or an inline table, never extended.
    case value
    /// A table of the arena.
    case table(Int)
    /// An array of tables: an index into `tableArrays`.
    case tableArray(Int)
  }

  /// Bookkeeping for one entry, kept in `meta` at the entry's `slot`.
  struct Meta {
    /// Byte offset where the key (or header) that created the entry starts.
    var offset: Int
    /// What the entry stands for.
    var link: Link
  }

  /// A table in the arena.
  struct Node {
    var origin: Origin
    /// The keys and values; tables of the arena are placeholders until `materialize`.
    var entries: [TOMLTable.Entry] = []
    /// Position of each key in `entries`; empty while small (see `TOMLTable.linearSearchLimit`).
    var index: [String: Int] = [:]
    /// Whether any entry links to a table of the arena.
    var hasLinks = false

    init(origin: Origin, capacity: Int) {
      self.origin = origin
      entries.reserveCapacity(capacity)
    }

    /// The position of `key` (whose `KeyTag` is `tag`), or nil.
    @inline(__always) func position(of key: String, tag: UInt32) -> Int? {
      if index.isEmpty {
        // Tags are plain words: most keys are rejected without touching a string.
        for position in entries.indices where entries[position].tag == tag && entries[position].key == key {
          return position
        }
        return nil
      }
      return index[key]
    }

    /// Appends an entry, keeping the index.
    @inline(__always) mutating func append(_ entry: consuming TOMLTable.Entry) {
      let count = entries.count + 1
      let indexed = !index.isEmpty
      if indexed { index[entry.key] = count - 1 }
      entries.append(entry)
      if !indexed && count > TOMLTable.linearSearchLimit {
        var index = [String: Int](minimumCapacity: count * 2)
        for (position, existing) in entries.enumerated() { index[existing.key] = position }
        self.index = index
      }
    }
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

  /// The value standing in for a table of the arena until `materialize`.
  private static let placeholder = TOMLValue.boolean(false)

  /// The tables; index 0 is the root.
  private(set) var nodes: [Node]
  /// The element tables of each array of tables.
  private var tableArrays: [[Int]] = []
  /// Every entry's bookkeeping, addressed by `TOMLTable.Entry.slot`.
  private var meta: [Meta] = []

  /// The position of part `part` of `key` in table `node`, or nil.
  @inline(__always) private func position(of key: DottedKey, part: Int, in node: Int) -> Int? {
    nodes[node].position(of: key[part], tag: key.tag(part))
  }

  /// Appends an entry to table `node`, recording its bookkeeping.
  @inline(__always) private mutating func append(
    _ key: String, tag: UInt32, _ value: consuming TOMLValue, _ entryMeta: Meta, to node: Int
  ) {
    meta.append(entryMeta)
    nodes[node].append(
      TOMLTable.Entry(key: key, value: value, tag: tag, slot: UInt32(truncatingIfNeeded: meta.count - 1)))
  }

  /// The bookkeeping of the entry at `position` in table `node`.
  @inline(__always) private func meta(at position: Int, in node: Int) -> Meta {
    meta[Int(nodes[node].entries[position].slot)]
  }

  /// Adds a table linked from part `part` of `key` in table `parent` and returns its index.
  private mutating func addTable(
    _ key: DottedKey, part: Int, origin: Origin, in parent: Int, offset: Int
  ) -> Int {
    let tag = key.tag(part)
    let key = key[part]
    nodes.append(Node(origin: origin, capacity: 8))
    let child = nodes.count - 1
    if origin == .arrayElement {
      tableArrays.append([child])
      append(
        key, tag: tag, Self.placeholder, Meta(offset: offset, link: .tableArray(tableArrays.count - 1)), to: parent)
    } else {
      append(key, tag: tag, Self.placeholder, Meta(offset: offset, link: .table(child)), to: parent)
    }
    nodes[parent].hasLinks = true
    return child
  }

  /// Creates the tree of an empty document, with room for a document of `bytes` bytes (roughly
  /// one entry per 16 bytes and one table per 256), so the arenas rarely grow while parsing.
  init(forBytes bytes: Int) {
    nodes = []
    nodes.reserveCapacity(min(max(bytes / 256, 4), 1 << 16))
    nodes.append(Node(origin: .root, capacity: 8))
    meta.reserveCapacity(min(max(bytes / 16, 16), 1 << 20))
  }

  /// Starts an inline table; finish it with `closeInline`.
  mutating func openInline() -> Int {
    nodes.append(Node(origin: .inline, capacity: 4))
    return nodes.count - 1
  }

  /// Finishes the inline table `node` (the most recently opened one) and returns its value.
  mutating func closeInline(_ node: Int) -> TOMLTable {
    let table = materialize(node)
    nodes.removeSubrange(node...)
    return table
  }

  /// Steps from `table` into its child `key[part]` on the way to a key or a header, creating the
  /// child when missing.
  ///
  /// Headers pass through any table and into the latest element of an array of tables; dotted keys
  /// pass only through tables that dotted keys created (or implicit ones). `header` is the header
  /// being opened (its path is `key`), false for a dotted key.
  private mutating func descend(
    from table: Int, along key: DottedKey, part: Int, header: Bool, isArray: Bool = false,
    offset: Int
  ) throws(Conflict) -> (node: Int, throughArray: Bool) {
    guard let position = position(of: key, part: part, in: table) else {
      return (addTable(key, part: part, origin: header ? .implicit : .dotted, in: table, offset: offset), false)
    }
    let meta = meta(at: position, in: table)
    if case .table(let child) = meta.link, header || nodes[child].origin == .dotted {
      return (child, false)
    }
    // Everything below is a conflict or a rare transition; messages are built only here.
    let prefix = key.prefixText(part + 1)
    let action =
      header
      ? "cannot define \(isArray ? "array of tables [[\(key.text)]]" : "table [\(key.text)]")"
      : "cannot add key '\(key.text)'"
    switch meta.link {
    case .table(let child):
      guard nodes[child].origin == .implicit else {
        throw Conflict(
          code: .duplicateKey,
          message: "\(action) with dotted keys: '\(prefix)' is a table defined by a [header], "
            + "which dotted keys cannot extend",
          offset: offset, firstOffset: meta.offset)
      }
      nodes[child].origin = .dotted
      return (child, false)
    case .tableArray(let array):
      guard header else {
        throw Conflict(
          code: .duplicateKey,
          message: "\(action) with dotted keys: '\(prefix)' is an array of tables",
          offset: offset, firstOffset: meta.offset)
      }
      return (tableArrays[array][tableArrays[array].count - 1], true)
    case .value:
      let existing = nodes[table].entries[position].value
      throw Conflict(
        code: .duplicateKey,
        message: existing.tableValue != nil
          ? "\(action): inline table '\(prefix)' cannot be extended"
          : "\(action): '\(prefix)' is already \(existing.typeNameWithArticle), not a table",
        offset: offset, firstOffset: meta.offset)
    }
  }

  /// Defines `key` (parts relative to table `node`) as `value`, creating dotted tables on the way.
  mutating func insert(
    _ value: consuming TOMLValue, at key: DottedKey, into node: Int, offset: Int
  ) throws(Conflict) {
    var table = node
    for part in 0..<key.count - 1 {
      table = try descend(from: table, along: key, part: part, header: false, offset: offset).node
    }
    let last = key.count - 1
    if let position = position(of: key, part: last, in: table) {
      throw Conflict(
        code: .duplicateKey, message: "key '\(key.text)' is defined twice", offset: offset,
        firstOffset: meta(at: position, in: table).offset, firstLabel: "first")
    }
    append(key[last], tag: key.tag(last), value, Meta(offset: offset, link: .value), to: table)
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
        from: table, along: key, part: part, header: true, isArray: isArray, offset: offset)
      table = step.node
      inArray = inArray || step.throughArray
    }
    guard let position = position(of: key, part: key.count - 1, in: table) else {
      let child = addTable(
        key, part: key.count - 1, origin: isArray ? .arrayElement : .header, in: table, offset: offset)
      return (child, inArray || isArray)
    }
    let meta = meta(at: position, in: table)
    if case .table(let child) = meta.link, !isArray, nodes[child].origin == .implicit {
      nodes[child].origin = .header
      self.meta[Int(nodes[table].entries[position].slot)].offset = offset
      return (child, inArray)
    }
    if case .tableArray(let array) = meta.link, isArray {
      nodes.append(Node(origin: .arrayElement, capacity: 8))
      tableArrays[array].append(nodes.count - 1)
      return (nodes.count - 1, true)
    }
    throw headerConflict(key, isArray: isArray, with: position, in: table, offset: offset)
  }

  /// The error for a header whose last key already holds something it cannot define.
  private func headerConflict(
    _ key: DottedKey, isArray: Bool, with position: Int, in table: Int, offset: Int
  ) -> Conflict {
    let meta = meta(at: position, in: table)
    let shown = isArray ? "[[\(key.text)]]" : "[\(key.text)]"
    let message: String
    var label = "defined"
    switch meta.link {
    case .table(let child):
      if isArray {
        message = "cannot define array of tables \(shown): '\(key.text)' is already a table"
      } else if nodes[child].origin == .dotted {
        message = "table \(shown) is already defined by dotted keys"
      } else {
        message = "table \(shown) is defined twice"
        label = "first"
      }
    case .tableArray:
      message = "cannot define table \(shown): '\(key.text)' is already an array of tables"
    case .value:
      let existing = nodes[table].entries[position].value
      let what: String
      if existing.tableValue != nil {
        what = "an inline table"
      } else if existing.arrayValue != nil {
        what = isArray ? "a static array, which [[ ]] cannot extend" : "an array"
      } else {
        what = existing.typeNameWithArticle
      }
      message =
        "cannot define \(isArray ? "array of tables" : "table") \(shown): '\(key.text)' is already \(what)"
    }
    return Conflict(
      code: .duplicateKey, message: message, offset: offset, firstOffset: meta.offset,
      firstLabel: label)
  }

  /// The finished value of table `node` and everything below it; the arena gives up those
  /// entries, so each table is materialized once.
  mutating func materialize(_ node: Int) -> TOMLTable {
    var entries = nodes[node].entries
    nodes[node].entries = []
    if nodes[node].hasLinks {
      for position in entries.indices {
        switch meta[Int(entries[position].slot)].link {
        case .value:
          break
        case .table(let child):
          entries[position].value = .table(materialize(child))
        case .tableArray(let array):
          var elements: [TOMLValue] = []
          elements.reserveCapacity(tableArrays[array].count)
          for element in tableArrays[array] { elements.append(.table(materialize(element))) }
          entries[position].value = .array(elements)
        }
      }
    }
    return TOMLTable(uniqueEntries: entries, index: nodes[node].index)
  }
}

/// A key as written: one or more parts joined by dots.
///
/// The first part is stored apart so the common single-part key allocates no array.
struct DottedKey {
  /// The first part.
  var first: String
  /// The `KeyTag` of the first part.
  var firstTag: UInt32
  /// The parts after the first, each with its `KeyTag`.
  var rest: [(string: String, tag: UInt32)] = []

  /// The number of parts.
  var count: Int { rest.count + 1 }

  /// A single-part key.
  init(_ first: String, tag: UInt32) {
    self.first = first
    firstTag = tag
  }

  /// Part `index`.
  subscript(index: Int) -> String { index == 0 ? first : rest[index - 1].string }

  /// The `KeyTag` of part `index`.
  @inline(__always) func tag(_ index: Int) -> UInt32 {
    index == 0 ? firstTag : rest[index - 1].tag
  }

  /// All parts.
  var parts: [String] { [first] + rest.map(\.string) }

  /// The key in TOML syntax, quoting parts that need it.
  var text: String { prefixText(count) }

  /// The first `length` parts in TOML syntax.
  func prefixText(_ length: Int) -> String {
    (0..<length).map { KeySyntax.format(self[$0]) }.joined(separator: ".")
  }
}
