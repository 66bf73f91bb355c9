/// A problem that stops generation; protoc shows the message to the user.
struct GeneratorError: Error {
  let message: String
}

/// Knows the Swift name and kind of every message and enum in the request, by full protobuf name.
struct TypeResolver {
  /// What the generator needs to know about a named type.
  struct Entry {
    /// The Swift type, qualified by its enclosing types, such as `TokensListResponse.Token`.
    let swiftName: String
    /// The Swift case for number 0 when the type is an enum.
    let enumZeroCase: String?
    /// The descriptor when the type is a map entry message.
    let mapEntry: MessageDescriptor?
  }

  /// Well-known types, implemented by hand in ProtoWire.
  static let wellKnownTypes: [String: String] = [
    ".google.protobuf.Empty": "Empty", ".google.protobuf.Timestamp": "Timestamp",
    ".google.protobuf.Any": "AnyMessage", ".google.protobuf.DoubleValue": "DoubleValue",
    ".google.protobuf.FloatValue": "FloatValue", ".google.protobuf.Int64Value": "Int64Value",
    ".google.protobuf.UInt64Value": "UInt64Value", ".google.protobuf.Int32Value": "Int32Value",
    ".google.protobuf.UInt32Value": "UInt32Value", ".google.protobuf.BoolValue": "BoolValue",
    ".google.protobuf.StringValue": "StringValue", ".google.protobuf.BytesValue": "BytesValue",
  ]

  private var entries: [String: Entry] = [:]
  /// For each message, the types of its singular (non-repeated) message fields: the edges along
  /// which a struct would contain itself.
  private var singularMessageFields: [String: [String]] = [:]

  init(files: [FileDescriptor]) {
    for (fullName, swiftName) in Self.wellKnownTypes {
      entries[fullName] = Entry(swiftName: swiftName, enumZeroCase: nil, mapEntry: nil)
    }
    for file in files {
      let scope = file.package.isEmpty ? "" : "." + file.package
      for message in file.messageTypes { register(message, scope: scope, swiftScope: "") }
      for enumType in file.enumTypes { register(enumType, scope: scope, swiftScope: "") }
    }
  }

  private mutating func register(_ message: MessageDescriptor, scope: String, swiftScope: String) {
    let fullName = scope + "." + message.name
    let swiftName = swiftScope + SwiftNames.typeName(message.name)
    if entries[fullName] == nil {
      entries[fullName] = Entry(swiftName: swiftName, enumZeroCase: nil, mapEntry: message.isMapEntry ? message : nil)
    }
    singularMessageFields[fullName] = message.fields.filter { $0.type == 11 && $0.label != 3 }.map(\.typeName)
    for nested in message.nestedTypes { register(nested, scope: fullName, swiftScope: swiftName + ".") }
    for enumType in message.enumTypes { register(enumType, scope: fullName, swiftScope: swiftName + ".") }
  }

  private mutating func register(_ enumType: EnumDescriptor, scope: String, swiftScope: String) {
    let zero = enumType.values.first { $0.number == 0 }.map { SwiftNames.enumCase($0.name, enumName: enumType.name) }
    entries[scope + "." + enumType.name] = Entry(
      swiftName: swiftScope + SwiftNames.typeName(enumType.name), enumZeroCase: zero, mapEntry: nil)
  }

  /// True when a value of message `typeName` can contain a value of message `owner` without an
  /// array or dictionary in between, so a field of that type in `owner` needs a box.
  func reaches(_ typeName: String, _ owner: String) -> Bool {
    var seen: Set<String> = []
    var pending = [typeName]
    while let next = pending.popLast() {
      if next == owner { return true }
      guard seen.insert(next).inserted else { continue }
      pending.append(contentsOf: singularMessageFields[next] ?? [])
    }
    return false
  }

  /// The entry for a field's `type_name`.
  func entry(_ typeName: String) throws(GeneratorError) -> Entry {
    guard let entry = entries[typeName] else { throw GeneratorError(message: "unknown type \(typeName)") }
    return entry
  }
}

/// How a field's value is stored in Swift and which ProtoWire codec reads and writes it.
struct ValueType {
  /// The Swift type of one value, such as `Int32`, `[UInt8]`, `ClientType`, `Timestamp`.
  let swiftType: String
  /// The codec for scalars and enums, such as `ProtoSInt32`, `ProtoEnumValue<ClientType>`; nil for messages.
  let codec: String?
  /// The proto3 default as a Swift expression; nil for messages.
  let defaultValue: String?

  var isMessage: Bool { codec == nil }

  private static let scalars: [Int32: (swiftType: String, codec: String, defaultValue: String)] = [
    1: ("Double", "ProtoDouble", "0"), 2: ("Float", "ProtoFloat", "0"), 3: ("Int64", "ProtoInt64", "0"),
    4: ("UInt64", "ProtoUInt64", "0"), 5: ("Int32", "ProtoInt32", "0"), 6: ("UInt64", "ProtoFixed64", "0"),
    7: ("UInt32", "ProtoFixed32", "0"), 8: ("Bool", "ProtoBool", "false"), 9: ("String", "ProtoString", "\"\""),
    12: ("[UInt8]", "ProtoBytes", "[]"), 13: ("UInt32", "ProtoUInt32", "0"), 15: ("Int32", "ProtoSFixed32", "0"),
    16: ("Int64", "ProtoSFixed64", "0"), 17: ("Int32", "ProtoSInt32", "0"), 18: ("Int64", "ProtoSInt64", "0"),
  ]

  /// The value type of `field` (for a map field, the entry message's type; use ``mapTypes``).
  init(_ field: FieldDescriptor, resolver: TypeResolver) throws(GeneratorError) {
    if let scalar = Self.scalars[field.type] {
      self.init(swiftType: scalar.swiftType, codec: scalar.codec, defaultValue: scalar.defaultValue)
      return
    }
    switch field.type {
    case 11:
      self.init(swiftType: try resolver.entry(field.typeName).swiftName, codec: nil, defaultValue: nil)
    case 14:
      let entry = try resolver.entry(field.typeName)
      let zero = entry.enumZeroCase.map { "." + SwiftNames.escaped($0) } ?? "\(entry.swiftName)(rawValue: 0)"
      self.init(swiftType: entry.swiftName, codec: "ProtoEnumValue<\(entry.swiftName)>", defaultValue: zero)
    default:
      throw GeneratorError(
        message: "field \(field.name) has type \(field.type), which this generator does not support (groups)")
    }
  }

  private init(swiftType: String, codec: String?, defaultValue: String?) {
    self.swiftType = swiftType
    self.codec = codec
    self.defaultValue = defaultValue
  }
}
