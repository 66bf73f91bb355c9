/// CRC-32 as zlib, PNG and GitHub's token checksums compute it (IEEE 802.3, reflected polynomial
/// 0xEDB88320, initial value and final XOR 0xFFFFFFFF).
///
/// A checksum, not a cryptographic hash: it tells a real token from a look-alike or a mistyped one,
/// and proves nothing about who made it.
package enum CRC32 {
  /// The checksum of `bytes`.
  package static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
    if let crc = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) { return crc }
    return Array(bytes).withUnsafeBytes { checksum($0) }
  }

  /// The checksum of the bytes in `buffer` (the loop a scanner runs over every candidate).
  package static func checksum(_ buffer: UnsafeRawBufferPointer) -> UInt32 {
    table.withUnsafeBufferPointer { table in
      var crc: UInt32 = 0xFFFF_FFFF
      for byte in buffer {
        crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
      }
      return crc ^ 0xFFFF_FFFF
    }
  }

  /// The remainder of each byte value, computed once (bitwise long division by the polynomial).
  private static let table: [UInt32] = (0..<256).map { value in
    var remainder = UInt32(value)
    for _ in 0..<8 {
      remainder = remainder & 1 == 1 ? (remainder >> 1) ^ 0xEDB8_8320 : remainder >> 1
    }
    return remainder
  }
}
