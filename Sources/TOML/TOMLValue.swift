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

extension TOMLValue {
  /// Structural equality.
  ///
  /// Unlike `Double`, two NaN floats are equal here, so that a document holding `nan` equals itself
  /// and survives encode/decode round trips.
  public static func == (lhs: TOMLValue, rhs: TOMLValue) -> Bool {
    switch (lhs, rhs) {
    case (.string(let left), .string(let right)): left == right
    case (.integer(let left), .integer(let right)): left == right
    case (.float(let left), .float(let right)): left == right || (left.isNaN && right.isNaN)
    case (.boolean(let left), .boolean(let right)): left == right
    case (.dateTime(let left), .dateTime(let right)): left == right
    case (.array(let left), .array(let right)): left == right
    case (.table(let left), .table(let right)): left == right
    default: false
    }
  }

  /// Hashes consistently with `==` (every NaN hashes alike).
  public func hash(into hasher: inout Hasher) {
    switch self {
    case .string(let value):
      hasher.combine(0)
      hasher.combine(value)
    case .integer(let value):
      hasher.combine(1)
      hasher.combine(value)
    case .float(let value):
      hasher.combine(2)
      hasher.combine(value.isNaN ? Double.nan : value)
    case .boolean(let value):
      hasher.combine(3)
      hasher.combine(value)
    case .dateTime(let value):
      hasher.combine(4)
      hasher.combine(value)
    case .array(let value):
      hasher.combine(5)
      hasher.combine(value)
    case .table(let value):
      hasher.combine(6)
      hasher.combine(value)
    }
  }
}

/// A TOML table: keys in the order they first appear in the document.
///
/// Small tables are searched linearly; larger ones keep a key index beside the ordered entries,
/// so lookup stays O(1) however many keys a table holds.
public struct TOMLTable: Sendable, Hashable {
  /// One key and its value, with the key's tag (see `KeyTag`) for fast comparison and a slot
  /// the parser uses for its bookkeeping while the table is built.
  struct Entry {
    var key: String
    var value: TOMLValue
    var tag: UInt32
    var slot: UInt32 = 0

    init(key: String, value: TOMLValue, tag: UInt32, slot: UInt32 = 0) {
      self.key = key
      self.value = value
      self.tag = tag
      self.slot = slot
    }

    init(key: String, value: TOMLValue) {
      self.init(key: key, value: value, tag: KeyTag.of(key))
    }
  }

  /// Tables with at most this many keys are searched without an index.
  static let linearSearchLimit = 16

  /// The keys and values in document order.
  private(set) var storage: [Entry]

  /// Position of each key in `storage`; empty while `storage.count <= linearSearchLimit`.
  private var index: [String: Int]

  /// Creates an empty table.
  public init() {
    storage = []
    index = [:]
  }

  /// Creates a table from key-value pairs, keeping their order; a repeated key keeps its last value.
  public init(_ pairs: [(String, TOMLValue)]) {
    self.init()
    for (key, value) in pairs { self[key] = value }
  }

  /// Creates a table from entries with distinct keys and the matching index (empty when small).
  init(uniqueEntries: [Entry], index: [String: Int]) {
    storage = uniqueEntries
    self.index = index
    if index.isEmpty && storage.count > Self.linearSearchLimit { rebuildIndex() }
  }

  /// The keys and values in document order (a new array on each call).
  public var entries: [(key: String, value: TOMLValue)] { storage.map { ($0.key, $0.value) } }

  /// The keys in document order.
  public var keys: [String] { storage.map(\.key) }

  /// Whether the table has no keys.
  public var isEmpty: Bool { storage.isEmpty }

  /// The number of keys.
  public var count: Int { storage.count }

  /// The position of `key` in `storage`, or nil.
  func position(of key: String) -> Int? {
    if index.isEmpty {
      let tag = KeyTag.of(key)
      for position in storage.indices where storage[position].tag == tag && storage[position].key == key {
        return position
      }
      return nil
    }
    return index[key]
  }

  /// The value for `key`, or nil.
  ///
  /// Setting nil removes the key; setting a new key appends it.
  public subscript(key: String) -> TOMLValue? {
    get { position(of: key).map { storage[$0].value } }
    set {
      if let position = position(of: key) {
        if let newValue {
          storage[position].value = newValue
        } else {
          storage.remove(at: position)
          rebuildIndex()
        }
      } else if let newValue {
        storage.append(Entry(key: key, value: newValue))
        if !index.isEmpty {
          index[key] = storage.count - 1
        } else if storage.count > Self.linearSearchLimit {
          rebuildIndex()
        }
      }
    }
  }

  /// Recomputes `index` from `storage` (or empties it for a small table).
  private mutating func rebuildIndex() {
    index = [:]
    guard storage.count > Self.linearSearchLimit else { return }
    index.reserveCapacity(storage.count)
    for (position, entry) in storage.enumerated() { index[entry.key] = position }
  }

  /// Two tables are equal when they hold the same keys with equal values, in any order.
  public static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool {
    guard lhs.count == rhs.count else { return false }
    return lhs.storage.allSatisfy { rhs[$0.key] == $0.value }
  }

  /// Hashes the keys and values independently of order, consistent with `==`.
  public func hash(into hasher: inout Hasher) {
    var combined = 0
    for entry in storage {
      var inner = Hasher()
      inner.combine(entry.key)
      inner.combine(entry.value)
      combined ^= inner.finalize()
    }
    hasher.combine(count)
    hasher.combine(combined)
  }
}
