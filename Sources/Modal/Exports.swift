// What `import Modal` brings besides the SDK itself: the generated API (`ModalAPI`: every request
// and response message and `ModalClientMethods`, which `ModalClient.call` takes and returns), the
// protobuf runtime they are built on (`ProtoWire`: `MethodDescriptor`, `serializedBytes()`), and
// the gRPC layer's public types (`RPC`: `ChannelOptions`, `RPCError`, `Metadata`, `Status`), which
// the client's options and errors use. None is a product of its own, so without this an app could
// not name them.
@_exported public import ModalAPI
@_exported public import ProtoWire
@_exported public import RPC
