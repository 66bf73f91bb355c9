import CGRPC

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Channel arguments (`grpc_channel_args`) for `grpc_channel_create` and `grpc_server_create`.
struct ChannelArguments {
  private enum Value {
    case integer(Int32)
    case string(String)
    case pointer(UnsafeMutableRawPointer, UnsafePointer<grpc_arg_pointer_vtable>)
  }

  private var entries: [(key: String, value: Value)] = []

  /// Sets an integer argument.
  mutating func set(_ key: String, _ value: Int32) {
    entries.append((key, .integer(value)))
  }

  /// Sets an integer argument, clamping to `Int32`.
  mutating func set(_ key: String, clamping value: Int) {
    set(key, Int32(clamping: value))
  }

  /// Sets a string argument.
  mutating func set(_ key: String, _ value: String) {
    entries.append((key, .string(value)))
  }

  /// Sets a pointer argument; the core takes its own reference through `vtable.copy`.
  mutating func set(_ key: String, pointer: UnsafeMutableRawPointer, vtable: UnsafePointer<grpc_arg_pointer_vtable>) {
    entries.append((key, .pointer(pointer, vtable)))
  }

  /// Calls `body` with the arguments laid out for the core (which copies them).
  func withCoreArguments<Result>(_ body: (UnsafePointer<grpc_channel_args>) -> Result) -> Result {
    let args = UnsafeMutablePointer<grpc_arg>.allocate(capacity: max(entries.count, 1))
    var strings: [UnsafeMutablePointer<CChar>] = []
    defer {
      for string in strings { free(string) }
      args.deallocate()
    }
    for (index, entry) in entries.enumerated() {
      var arg = grpc_arg()
      let key = strdup(entry.key)!
      strings.append(key)
      arg.key = key
      switch entry.value {
      case .integer(let value):
        arg.type = GRPC_ARG_INTEGER
        arg.value.integer = value
      case .string(let value):
        let text = strdup(value)!
        strings.append(text)
        arg.type = GRPC_ARG_STRING
        arg.value.string = text
      case .pointer(let pointer, let vtable):
        arg.type = GRPC_ARG_POINTER
        arg.value.pointer.p = pointer
        arg.value.pointer.vtable = vtable
      }
      (args + index).initialize(to: arg)
    }
    var channelArgs = grpc_channel_args(num_args: entries.count, args: args)
    return withUnsafePointer(to: &channelArgs) { body($0) }
  }
}

/// The compression bitset with only `GRPC_COMPRESS_NONE` enabled.
let identityCompressionOnly: Int32 = 1 << Int32(GRPC_COMPRESS_NONE.rawValue)
