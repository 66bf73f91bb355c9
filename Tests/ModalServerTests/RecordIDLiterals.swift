import ModalServer

// Tests write record ids as literals ("us-1", "ak-\(index)"); the server itself never does, so
// the literal conformance lives here and a swapped argument still fails to compile in the server.
extension RecordID: ExpressibleByStringInterpolation {
  public init(stringLiteral value: String) { self.init(rawValue: value) }
}
