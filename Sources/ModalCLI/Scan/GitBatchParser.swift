/// Reads the output of `git cat-file --batch` as it streams in: for each object a header line
/// `<oid> <type> <size>`, the contents, then a newline (`<oid> missing` for an absent object).
///
/// Objects larger than `maxSize` are skipped without being held in memory.
struct GitBatchParser {
  /// An object's header.
  struct Header: Equatable {
    /// The object id.
    let oid: String
    /// `blob`, `tree`, `commit` or `tag`.
    let type: String
    /// The contents' size in bytes.
    let size: Int
  }

  /// Objects above this size are skipped (reported through `onSkipped`).
  let maxSize: Int
  private var pending: [UInt8] = []
  private var current: Header?
  private var skipping = 0

  /// A parser that keeps objects up to `maxSize` bytes.
  init(maxSize: Int) { self.maxSize = maxSize }

  /// Takes the next chunk of output; calls `onObject` for each complete object that fits and
  /// `onSkipped` for each that is too large.
  mutating func feed(
    _ chunk: UnsafeRawBufferPointer, onObject: (Header, UnsafeRawBufferPointer) -> Void, onSkipped: (Header) -> Void
  ) {
    var input = chunk[...]
    if skipping > 0 {
      let dropped = min(skipping, input.count)
      skipping -= dropped
      input = input.dropFirst(dropped)
    }
    pending += input
    var start = 0
    defer { pending.removeFirst(start) }
    while true {
      if let header = current {
        guard pending.count - start >= header.size + 1 else { return }
        pending.withUnsafeBytes { bytes in
          onObject(header, UnsafeRawBufferPointer(rebasing: bytes[start..<(start + header.size)]))
        }
        start += header.size + 1
        current = nil
      }
      guard let newline = pending[start...].firstIndex(of: 0x0A) else { return }
      let line = String(decoding: pending[start..<newline], as: UTF8.self)
      start = newline + 1
      guard let header = Self.header(line) else { continue }  // "<oid> missing"
      if header.size <= maxSize {
        current = header
        continue
      }
      onSkipped(header)
      let available = min(header.size + 1, pending.count - start)
      start += available
      skipping = header.size + 1 - available
      if skipping > 0 { return }
    }
  }

  /// The header in `line`, or nil for a missing object or a line of another shape.
  static func header(_ line: String) -> Header? {
    let fields = line.split(separator: " ")
    guard fields.count == 3, let size = Int(fields[2]), size >= 0 else { return nil }
    return Header(oid: String(fields[0]), type: String(fields[1]), size: size)
  }
}
