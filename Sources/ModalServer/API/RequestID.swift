import RPC

/// The request id of a call: the client's `x-request-id` when it is well formed (1 to 64 letters,
/// digits, `-`, `_`, `.`, `:`), else one made here from a per-process prefix and a counter, which
/// costs no system call on the per-call path.
package final class RequestIDs: Sendable {
  private let prefix: String
  private let next = Locked<UInt64>(0)

  /// A source of ids with a random prefix.
  package init() {
    prefix = "r" + String(UInt32.random(in: .min ... .max), radix: 16) + "-"
  }

  /// The id for a call with `metadata`.
  package func id(for metadata: Metadata) -> String {
    if let given = metadata["x-request-id"], Self.isWellFormed(given) { return given }
    let number = next.withLock { value -> UInt64 in
      value &+= 1
      return value
    }
    return prefix + String(number, radix: 16)
  }

  /// Whether `text` may be used as a request id as it is.
  static func isWellFormed(_ text: String) -> Bool {
    let utf8 = text.utf8
    return (1...64).contains(utf8.count)
      && utf8.allSatisfy { byte in
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
          || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
      }
  }
}
