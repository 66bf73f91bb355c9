import TextSearch

/// gRPC metadata: an ordered multi-map from lower-case ASCII keys to values.
///
/// Keys ending in `-bin` carry binary values (sent base64-encoded by the transport); every other
/// key carries a printable-ASCII string. Order and duplicates are preserved.
public struct Metadata: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral,
  CustomStringConvertible
{
  /// One key and value.
  public struct Entry: Sendable, Hashable {
    /// A metadata value: text for ordinary keys, bytes for `-bin` keys.
    public enum Value: Sendable, Hashable {
      /// A printable-ASCII text value.
      case string(String)
      /// A binary value (only for keys ending in `-bin`).
      case binary([UInt8])

      /// The value as text (binary values are decoded as UTF-8).
      var text: String {
        switch self {
        case .string(let text): text
        case .binary(let bytes): String(decoding: bytes, as: UTF8.self)
        }
      }
    }

    /// The lower-case key.
    public var key: String
    /// The value.
    public var value: Value

    /// Creates an entry; the key is lower-cased.
    public init(key: String, value: Value) {
      self.key = Metadata.normalizedKey(key)
      self.value = value
    }
  }

  /// Dictionary literals map keys to text values.
  public typealias Key = String
  /// Dictionary literals map keys to text values.
  public typealias Value = String

  /// Entries made in code, or entries as received (values copied out only when read).
  /// (`ManagedBuffer` is never `Sendable`; a `ReceivedMetadata` is immutable once made.)
  private enum Storage: @unchecked Sendable {
    case entries([Entry])
    case received(ReceivedMetadata)
  }

  private var storage: Storage

  /// The entries, in order (received values are copied out here).
  private var entries: [Entry] {
    switch storage {
    case .entries(let entries): entries
    case .received(let received): (0..<received.count).map(received.entry(at:))
    }
  }

  /// Changes the entries (received ones are copied out first).
  private mutating func changeEntries(_ body: (inout [Entry]) -> Void) {
    var entries = self.entries
    storage = .entries([])  // so `entries` is the array's only owner and grows in place
    body(&entries)
    storage = .entries(entries)
  }

  /// Creates empty metadata.
  public init() {
    storage = .entries([])
  }

  /// Creates metadata from entries, in order.
  public init(_ entries: [Entry]) {
    storage = .entries(entries)
  }

  /// Metadata as the core delivered it.
  init(received: ReceivedMetadata) {
    storage = .received(received)
  }

  /// Creates metadata from `key: value` pairs, in order; keys ending in `-bin` get the UTF-8 bytes.
  public init(dictionaryLiteral elements: (String, String)...) {
    storage = .entries([])
    for (key, value) in elements { add(key, value) }
  }

  /// The number of entries.
  public var count: Int {
    switch storage {
    case .entries(let entries): entries.count
    case .received(let received): received.count
    }
  }

  /// Whether there are no entries.
  public var isEmpty: Bool { count == 0 }

  /// Iterates the entries in order.
  public func makeIterator() -> IndexingIterator<[Entry]> {
    entries.makeIterator()
  }

  /// Equal when the same entries come in the same order, however each side was made.
  public static func == (left: Metadata, right: Metadata) -> Bool {
    left.entries == right.entries
  }

  /// Hashes the entries in order.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(entries)
  }

  /// `key` in lower case. Keys from the transport and from code are lower-case already: their
  /// storage is kept instead of a lower-cased copy (`lowercased()` copies even when nothing changes),
  /// so a lookup allocates nothing.
  static func normalizedKey(_ key: String) -> String {
    let isLowercaseASCII = key.everyUTF8Byte { $0 < 0x80 && !(0x41...0x5A).contains($0) }
    return isLowercaseASCII ? key : key.lowercased()
  }

  /// Whether `key` is a binary key (ends in `-bin`, in any case).
  public static func isBinaryKey(_ key: String) -> Bool {
    // Compared byte by byte, ASCII letters folded: `lowercased()` would copy every key over 15
    // bytes (such as a ClientHello's `x-modal-token-endpoint` trailer) on every call.
    let suffix = key.utf8.suffix(4)
    return suffix.count == 4
      && zip(suffix, "-bin".utf8).allSatisfy { byte, expected in
        ((0x41...0x5A).contains(byte) ? byte | 0x20 : byte) == expected
      }
  }

  /// Appends a text value; for a `-bin` key the value's UTF-8 bytes are stored as binary.
  public mutating func add(_ key: String, _ value: String) {
    let entry = Entry(key: key, value: Metadata.isBinaryKey(key) ? .binary(Array(value.utf8)) : .string(value))
    changeEntries { $0.append(entry) }
  }

  /// Appends a binary value; the key must end in `-bin` (checked when the metadata is sent).
  public mutating func add(_ key: String, binary value: [UInt8]) {
    changeEntries { $0.append(Entry(key: key, value: .binary(value))) }
  }

  /// Appends all entries of `other`.
  public mutating func add(contentsOf other: Metadata) {
    guard !other.isEmpty else { return }
    changeEntries { $0.append(contentsOf: other.entries) }
  }

  /// Replaces every value of `key` with one text value.
  public mutating func replace(_ key: String, _ value: String) {
    remove(key)
    add(key, value)
  }

  /// Removes every value of `key`.
  public mutating func remove(_ key: String) {
    let key = Metadata.normalizedKey(key)
    guard contains(key) else { return }
    changeEntries { $0.removeAll { $0.key == key } }
  }

  /// The first text value of `key`, if any.
  public subscript(key: String) -> String? {
    first(key)
  }

  /// The first text value of `key` (binary values are decoded as UTF-8), if any.
  public func first(_ key: String) -> String? {
    switch storage {
    case .entries(let entries):
      let key = Metadata.normalizedKey(key)
      return entries.first(where: { $0.key == key })?.value.text
    case .received:
      return withFirstValue(key) { String(decoding: $0, as: UTF8.self) }
    }
  }

  /// Runs `body` on the bytes of the first value of `key` (a text value's UTF-8) without copying a
  /// received value into a string; `nil` if there is none.
  public func withFirstValue<T>(_ key: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T? {
    let key = Metadata.normalizedKey(key)
    switch storage {
    case .received(let received):
      guard let index = received.firstIndex(of: key) else { return nil }
      return received.withValue(at: index, body)
    case .entries(let entries):
      guard let entry = entries.first(where: { $0.key == key }) else { return nil }
      switch entry.value {
      case .string(var text): return text.withUTF8(body)
      case .binary(let bytes): return bytes.withUnsafeBufferPointer(body)
      }
    }
  }

  /// Every value of `key` as text, in order (binary values are decoded as UTF-8).
  public func values(_ key: String) -> [String] {
    let key = Metadata.normalizedKey(key)
    switch storage {
    case .entries(let entries):
      return entries.compactMap { entry in entry.key == key ? entry.value.text : nil }
    case .received(let received):
      return received.indices(of: key).map { received.withValue(at: $0) { String(decoding: $0, as: UTF8.self) } }
    }
  }

  /// Every value of `key` as bytes, in order (text values as their UTF-8 bytes).
  public func binaryValues(_ key: String) -> [[UInt8]] {
    let key = Metadata.normalizedKey(key)
    if case .received(let received) = storage {
      return received.indices(of: key).map { received.withValue(at: $0) { Array($0) } }
    }
    return entries.compactMap { entry in
      guard entry.key == key else { return nil }
      switch entry.value {
      case .string(let text): return Array(text.utf8)
      case .binary(let bytes): return bytes
      }
    }
  }

  /// The first value of `key` as bytes, if any.
  public func firstBinary(_ key: String) -> [UInt8]? {
    binaryValues(key).first
  }

  /// Whether some entry has `key`.
  public func contains(_ key: String) -> Bool {
    withFirstValue(key) { _ in true } ?? false
  }

  /// `[key: value, ...]` with binary values shown as their byte count.
  public var description: String {
    let parts = entries.map { entry -> String in
      switch entry.value {
      case .string(let text): return "\(entry.key): \(text)"
      case .binary(let bytes): return "\(entry.key): <\(bytes.count) bytes>"
      }
    }
    return "[" + parts.joined(separator: ", ") + "]"
  }

  /// Whether every byte of `text` is printable ASCII: an OAuth client assertion (about 700 bytes)
  /// is checked on every call.
  private static func isPrintableASCII(_ text: String) -> Bool {
    text.everyUTF8Byte { $0 >= 0x20 && $0 <= 0x7E }
  }

  /// Checks that every entry can be sent: keys of `0-9 a-z - _ .`, printable-ASCII text values, binary
  /// values only under `-bin` keys.
  func validate() throws(RPCError) {
    for entry in entries {
      guard !entry.key.isEmpty,
        entry.key.everyUTF8Byte({ byte in
          (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
            || byte == 0x2E
        })
      else {
        throw RPCError(
          code: .internal,
          message: "invalid metadata key \"\(entry.key)\": use lower-case letters, digits, '-', '_' and '.'")
      }
      switch entry.value {
      case .string(let text):
        guard Self.isPrintableASCII(text) else {
          throw RPCError(
            code: .internal,
            message:
              "invalid metadata value for key \"\(entry.key)\": text values must be printable ASCII; "
              + "send other data under a key ending in -bin")
        }
      case .binary:
        guard entry.key.hasSuffix("-bin") else {
          throw RPCError(
            code: .internal,
            message: "binary metadata value for key \"\(entry.key)\": binary values need a key ending in -bin")
        }
      }
    }
  }
}
