import CGRPC

/// Metadata as the core delivered it, kept in one allocation: each entry's key (a shared string
/// when `MetadataKeys` knows it) and the value's bytes, copied once from the core's slices.
///
/// A value becomes a `String` (a heap allocation when it is over 15 bytes) only when someone reads
/// it. A request carries headers that most handlers never look at (`user-agent`, the Python
/// client's platform, node and timestamp): copying each into a string of its own cost an
/// allocation per header per call. Immutable once made, so `Metadata` shares it between threads.
final class ReceivedMetadata: ManagedBuffer<ReceivedMetadata.Header, ReceivedMetadata.Slot> {
  /// How many entries there are.
  struct Header {
    var count: Int
  }

  /// One entry: its key, and where its value's bytes start and how many there are in the byte
  /// area that follows the slots.
  struct Slot {
    var key: String
    var offset: Int
    var length: Int
  }

  /// Copies the entries of a core metadata array (`nil` if it has none); keys found in `keys`
  /// share its strings.
  static func read(_ array: grpc_metadata_array, keys: MetadataKeys?) -> ReceivedMetadata? {
    let count = array.count
    guard count > 0, let elements = array.metadata else { return nil }
    var byteCount = 0
    for index in 0..<count { byteCount += cgrpc_slice_length(&elements[index].value) }
    let stride = MemoryLayout<Slot>.stride
    let buffer = create(minimumCapacity: count + (byteCount + stride - 1) / stride) { _ in Header(count: 0) }
    let metadata = unsafeDowncast(buffer, to: ReceivedMetadata.self)
    metadata.withUnsafeMutablePointers { header, slots in
      // The byte area is never a slot: bound to bytes, so `withValue` reads it as such.
      let bytes = UnsafeMutableRawPointer(slots + count).bindMemory(to: UInt8.self, capacity: byteCount)
      var offset = 0
      for index in 0..<count {
        let key = withUnsafePointer(to: elements[index].key) { slice in
          keys.map { keys in withSliceBytes(slice) { keys.key(for: $0) } } ?? sliceString(slice)
        }
        let length = withUnsafePointer(to: elements[index].value) { slice in
          withSliceBytes(slice) { value in
            if let base = value.baseAddress { (bytes + offset).initialize(from: base, count: value.count) }
            return value.count
          }
        }
        (slots + index).initialize(to: Slot(key: key, offset: offset, length: length))
        offset += length
        // Counted as each slot is made, so `deinit` releases exactly the keys that exist.
        header.pointee.count = index + 1
      }
    }
    return metadata
  }

  deinit {
    _ = withUnsafeMutablePointers { header, slots in slots.deinitialize(count: header.pointee.count) }
  }

  /// The number of entries.
  var count: Int { header.count }

  /// The key of entry `index`.
  func key(at index: Int) -> String {
    withUnsafeMutablePointerToElements { $0[index].key }
  }

  /// Runs `body` on the value bytes of entry `index`, in place.
  func withValue<T>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
    withUnsafeMutablePointerToElements { slots in
      let slot = slots[index]
      let bytes = UnsafeRawPointer(slots + header.count).assumingMemoryBound(to: UInt8.self)
      return body(UnsafeBufferPointer(start: bytes + slot.offset, count: slot.length))
    }
  }

  /// Entry `index` as a `Metadata.Entry` (the value copied out: text, or bytes for a `-bin` key).
  func entry(at index: Int) -> Metadata.Entry {
    let key = key(at: index)
    let value: Metadata.Entry.Value = withValue(at: index) { bytes in
      key.hasSuffix("-bin") ? .binary(Array(bytes)) : .string(String(decoding: bytes, as: UTF8.self))
    }
    return Metadata.Entry(key: key, value: value)
  }

  /// The indices of the entries whose key is `key` (lower-case), in order.
  func indices(of key: String) -> [Int] {
    (0..<count).filter { self.key(at: $0) == key }
  }

  /// The index of the first entry whose key is `key` (lower-case).
  func firstIndex(of key: String) -> Int? {
    (0..<count).first { self.key(at: $0) == key }
  }
}
