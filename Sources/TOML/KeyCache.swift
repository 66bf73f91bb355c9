/// Remembers the strings made for short bare keys, so that a key repeated through a document
/// (`name`, `port`, `enabled`...) is compared as two machine words instead of being decoded into
/// a new `String` each time.
///
/// The cache switches itself on only after a document has shown enough keys to repay it.
struct KeyCache {
  /// One remembered key: up to 16 bytes packed into two words, and its string.
  private struct Slot {
    var low: UInt64 = 0
    var high: UInt64 = 0
    var length = 0
    var string = ""
  }

  /// The number of slots (a power of two).
  private static let size = 256
  /// How many keys to see before allocating the slots.
  private static let warmUp = 32

  private var slots: [Slot] = []
  private var seen = 0

  /// The string for the bare key `bytes[start..<end]`, which holds only ASCII, and its `KeyTag`.
  @inline(__always)
  mutating func key(
    _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int
  ) -> (string: String, tag: UInt32) {
    let length = end - start
    guard length <= 16, let base = bytes.baseAddress else {
      let string = Self.make(bytes, start, end)
      return (string, KeyTag.of(string))
    }
    var low: UInt64 = 0
    var high: UInt64 = 0
    if start + 16 <= bytes.count {
      let raw = UnsafeRawPointer(base + start)
      low = raw.loadUnaligned(as: UInt64.self)
      high = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
      if length < 8 {
        low &= (1 << UInt64(length * 8)) &- 1
        high = 0
      } else if length < 16 {
        high &= (1 << UInt64((length - 8) * 8)) &- 1
      }
    } else {
      for offset in 0..<length {
        let byte = UInt64(bytes[start + offset])
        if offset < 8 { low |= byte << UInt64(offset * 8) } else { high |= byte << UInt64((offset - 8) * 8) }
      }
    }
    let tag = KeyTag.combine(firstWord: low, length: length)
    if slots.isEmpty {
      seen += 1
      if seen < Self.warmUp { return (Self.make(bytes, start, end), tag) }
      slots = [Slot](repeating: Slot(), count: Self.size)
    }
    let hash = (low &* 0x9E37_79B9_7F4A_7C15 ^ high &* 0xC2B2_AE3D_27D4_EB4F ^ UInt64(length)) >> 56
    let slot = Int(hash) & (Self.size - 1)
    if slots[slot].length == length && slots[slot].low == low && slots[slot].high == high {
      return (slots[slot].string, tag)
    }
    let string = Self.make(bytes, start, end)
    slots[slot] = Slot(low: low, high: high, length: length, string: string)
    return (string, tag)
  }

  /// A new string from ASCII bytes.
  @inline(__always)
  private static func make(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
  }
}

/// A 32-bit summary of a key: its first eight UTF-8 bytes mixed with its length.
///
/// Equal keys have equal tags, so comparing tags rejects most different keys without comparing
/// strings.
enum KeyTag {
  /// The tag of `key`.
  static func of(_ key: String) -> UInt32 {
    var key = key
    return key.withUTF8 { bytes in
      var word: UInt64 = 0
      for offset in 0..<min(bytes.count, 8) { word |= UInt64(bytes[offset]) << UInt64(offset * 8) }
      return combine(firstWord: word, length: bytes.count)
    }
  }

  /// The tag from the first eight bytes (little-endian, zero-padded) and the length.
  @inline(__always) static func combine(firstWord: UInt64, length: Int) -> UInt32 {
    let mixed = (firstWord ^ UInt64(truncatingIfNeeded: length) &* 0x9E37_79B9_7F4A_7C15) &* 0xFF51_AFD7_ED55_8CCD
    return UInt32(truncatingIfNeeded: mixed >> 32)
  }
}
