/// A value in a TOML document.
public enum TOMLValue: Sendable, Hashable {
  /// A basic or literal string, escapes already resolved.
  case string(String)
  /// A 64-bit signed integer (decimal, hex, octal or binary in the source).
  case integer(Int64)
  /// A 64-bit float, including `inf`, `-inf` and `nan`.
  case float(Double)
  /// `true` or `false`.
  case boolean(Bool)
  /// An offset date-time, local date-time, local date or local time.
  case dateTime(TOMLDateTime)
  /// An array of values of any types.
  case array([TOMLValue])
  /// A table: a standard table, an inline table, or one element of an array of tables.
  case table(TOMLTable)
}

/// A TOML table: keys in the order they first appear in the document.
public struct TOMLTable: Sendable, Hashable {
  /// The keys and values in document order.
  public private(set) var entries: [(key: String, value: TOMLValue)]

  /// Creates an empty table.
  public init() { entries = [] }

  /// Creates a table from key-value pairs, keeping their order; a repeated key keeps its last value.
  public init(_ pairs: [(String, TOMLValue)]) {
    entries = []
    for (key, value) in pairs { self[key] = value }
  }

  /// The keys in document order.
  public var keys: [String] { entries.map(\.key) }

  /// Whether the table has no keys.
  public var isEmpty: Bool { entries.isEmpty }

  /// The number of keys.
  public var count: Int { entries.count }

  /// The value for `key`, or nil. Setting nil removes the key; setting a new key appends it.
  public subscript(key: String) -> TOMLValue? {
    get { entries.first(where: { $0.key == key })?.value }
    set {
      if let index = entries.firstIndex(where: { $0.key == key }) {
        if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
      } else if let newValue {
        entries.append((key, newValue))
      }
    }
  }

  /// Two tables are equal when they hold the same keys with equal values, in any order.
  public static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool {
    guard lhs.count == rhs.count else { return false }
    return lhs.entries.allSatisfy { rhs[$0.key] == $0.value }
  }

  /// Hashes the keys and values independently of order, consistent with `==`.
  public func hash(into hasher: inout Hasher) {
    var combined = 0
    for entry in entries {
      var inner = Hasher()
      inner.combine(entry.key)
      inner.combine(entry.value)
      combined ^= inner.finalize()
    }
    hasher.combine(count)
    hasher.combine(combined)
  }
}
