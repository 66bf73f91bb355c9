/// Metadata that many calls send unchanged (a trailer every reply of a method carries), laid out
/// in the transport's slices once.
///
/// A call that adds it (`ServerContext.addTrailingMetadata(_:)`) copies nothing: with no other
/// trailers, the send op points at these slices; else it takes a reference to each. Making one per
/// call would cost more than adding the entries by value.
package final class PreparedMetadata: @unchecked Sendable {  // immutable once made
  /// The entries, as `ServerContext.trailingMetadata` shows them.
  package let metadata: Metadata
  /// The slices, released when this object goes.
  let outgoing: OutgoingMetadata

  /// Lays out `metadata`; throws if it could not be sent (see `Metadata.validate`).
  package init(_ metadata: Metadata) throws(RPCError) {
    try metadata.validate()
    self.metadata = metadata
    outgoing = OutgoingMetadata(metadata)
  }

  deinit {
    outgoing.free()
  }
}
