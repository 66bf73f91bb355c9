import CGRPC
import TextSearch

// Conversions between Swift values and the gRPC core's slices, byte buffers and metadata arrays.
// Everything here allocates on the heap: the core keeps pointers into these until a batch completes.

/// A new slice holding a copy of `bytes` (the caller owns one reference).
func makeSlice(_ bytes: some Collection<UInt8>) -> grpc_slice {
  let count = bytes.count
  var slice = cgrpc_grpc_slice_malloc()(count)
  if count > 0 {
    let start = UnsafeMutableRawPointer(mutating: cgrpc_slice_start(&slice))!
    let buffer = UnsafeMutableRawBufferPointer(start: start, count: count)
    buffer.copyBytes(from: bytes)
  }
  return slice
}

/// A new slice holding the UTF-8 bytes of `string`.
func makeSlice(_ string: String) -> grpc_slice {
  makeSlice(string.utf8)
}

/// The bytes of a slice (the slice is not released).
func sliceBytes(_ slice: UnsafePointer<grpc_slice>) -> [UInt8] {
  let count = cgrpc_slice_length(slice)
  guard count > 0, let start = cgrpc_slice_start(slice) else { return [] }
  return Array(UnsafeBufferPointer(start: start, count: count))
}

/// The bytes of a slice decoded as UTF-8 (invalid sequences become U+FFFD; never fails).
func sliceString(_ slice: UnsafePointer<grpc_slice>) -> String {
  withSliceBytes(slice) { String(decoding: $0, as: UTF8.self) }
}

/// Runs `body` on the bytes of a core slice, in place.
func withSliceBytes<T>(_ slice: UnsafePointer<grpc_slice>, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
  let count = cgrpc_slice_length(slice)
  guard count > 0, let start = cgrpc_slice_start(slice) else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
  return body(UnsafeBufferPointer(start: start, count: count))
}

/// A new raw byte buffer holding a copy of `bytes` (destroy it with `grpc_byte_buffer_destroy`).
func makeByteBuffer(_ bytes: [UInt8]) -> UnsafeMutablePointer<grpc_byte_buffer> {
  var slice = makeSlice(bytes)
  let buffer = cgrpc_grpc_raw_byte_buffer_create()(&slice, 1)!
  cgrpc_grpc_slice_unref()(slice)
  return buffer
}

/// The message bytes of a received byte buffer (decompressed if needed); `nil` if unreadable.
func readByteBuffer(_ buffer: UnsafeMutablePointer<grpc_byte_buffer>) -> [UInt8]? {
  var reader = grpc_byte_buffer_reader()
  guard cgrpc_grpc_byte_buffer_reader_init()(&reader, buffer) != 0 else { return nil }
  defer { cgrpc_grpc_byte_buffer_reader_destroy()(&reader) }
  var bytes: [UInt8] = []
  bytes.reserveCapacity(cgrpc_grpc_byte_buffer_length()(buffer))
  var slice = grpc_slice()
  while cgrpc_grpc_byte_buffer_reader_next()(&reader, &slice) != 0 {
    let count = cgrpc_slice_length(&slice)
    if count > 0, let start = cgrpc_slice_start(&slice) {
      bytes.append(contentsOf: UnsafeBufferPointer(start: start, count: count))
    }
    cgrpc_grpc_slice_unref()(slice)
  }
  return bytes
}

/// Metadata laid out for a send op: an array of `grpc_metadata` whose slices this value owns, or
/// a `PreparedMetadata`'s array, borrowed.
struct OutgoingMetadata {
  let elements: UnsafeMutablePointer<grpc_metadata>?
  let count: Int
  /// Whether `free()` releases the array and its slices (not when they belong to a `PreparedMetadata`).
  private let owned: Bool

  /// Copies `metadata` into core slices (call `validate()` on it first), after `prepared`'s
  /// entries. With nothing to copy, the prepared array itself is used (and stays its owner's).
  init(_ metadata: Metadata, after prepared: PreparedMetadata? = nil) {
    let before = prepared?.outgoing
    if let before, metadata.isEmpty {
      self = OutgoingMetadata(elements: before.elements, count: before.count, owned: false)
      return
    }
    let count = (before?.count ?? 0) + metadata.count
    guard count > 0 else {
      self = OutgoingMetadata(elements: nil, count: 0, owned: true)
      return
    }
    let elements = UnsafeMutablePointer<grpc_metadata>.allocate(capacity: count)
    var next = elements
    if let before, let source = before.elements {
      for element in UnsafeBufferPointer(start: source, count: before.count) {
        // Each array owns a reference to its slices: the prepared ones are shared, not copied.
        next.initialize(to: element)
        cgrpc_grpc_slice_ref()(element.key)
        cgrpc_grpc_slice_ref()(element.value)
        next += 1
      }
    }
    for entry in metadata {
      var element = grpc_metadata()
      element.key = makeSlice(entry.key)
      switch entry.value {
      case .string(let text): element.value = makeSlice(text)
      case .binary(let bytes): element.value = makeSlice(bytes)
      }
      next.initialize(to: element)
      next += 1
    }
    self = OutgoingMetadata(elements: elements, count: count, owned: true)
  }

  private init(elements: UnsafeMutablePointer<grpc_metadata>?, count: Int, owned: Bool) {
    self.elements = elements
    self.count = count
    self.owned = owned
  }

  /// Releases the slices and the array (nothing, for a borrowed array).
  func free() {
    guard owned, let elements else { return }
    for index in 0..<count {
      cgrpc_grpc_slice_unref()(elements[index].key)
      cgrpc_grpc_slice_unref()(elements[index].value)
    }
    elements.deinitialize(count: count)
    elements.deallocate()
  }
}

/// A heap `grpc_metadata_array` for a receive op.
struct IncomingMetadata {
  let array: UnsafeMutablePointer<grpc_metadata_array>

  /// Allocates and initialises an empty array.
  init() {
    array = .allocate(capacity: 1)
    cgrpc_grpc_metadata_array_init()(array)
  }

  /// Uses an array that lives elsewhere (initialised and destroyed by its owner; never `free()` it).
  init(array: UnsafeMutablePointer<grpc_metadata_array>) {
    self.array = array
  }

  /// The received entries as a `Metadata` value (one allocation; values are turned into strings
  /// only when read); keys found in `keys` share its strings.
  func read(keys: MetadataKeys? = nil) -> Metadata {
    ReceivedMetadata.read(array.pointee, keys: keys).map(Metadata.init(received:)) ?? Metadata()
  }

  /// Destroys the array (releasing the core's slices) and frees it.
  func free() {
    cgrpc_grpc_metadata_array_destroy()(array)
    array.deallocate()
  }
}

/// The request metadata keys a server has seen, so that each call's keys share one string instead
/// of a copy each: a key over 15 bytes (`x-modal-token-secret`) is a heap allocation per call
/// otherwise. Values are never kept (they carry secrets).
///
/// Used by one server's poller thread only, so it takes no lock. Bounded: a client that sends many
/// distinct keys fills it at worst, and later keys are then copied per call as before.
final class MetadataKeys: @unchecked Sendable {
  /// How many keys are kept, and the longest kept.
  static let capacity = 32
  static let longestKey = 64
  private var keys: [String] = []
  /// How many keys are kept now (for tests).
  var count: Int { keys.count }

  /// The string of the key whose UTF-8 bytes are `bytes` (invalid UTF-8 repaired, as `sliceString`).
  func key(for bytes: UnsafeBufferPointer<UInt8>) -> String {
    for key in keys where key.hasUTF8Bytes(bytes) { return key }
    let key = String(decoding: bytes, as: UTF8.self)
    // A repaired key never matches its bytes again: keeping it would only fill the table.
    if keys.count < Self.capacity, bytes.count <= Self.longestKey, key.hasUTF8Bytes(bytes) { keys.append(key) }
    return key
  }
}
