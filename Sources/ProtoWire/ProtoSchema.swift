/// The declared type of a field, numbered as in `google.protobuf.FieldDescriptorProto.Type`.
public enum ProtoFieldType: Int, Sendable, Hashable, CaseIterable {
  /// `double`.
  case double = 1
  /// `float`.
  case float = 2
  /// `int64`.
  case int64 = 3
  /// `uint64`.
  case uint64 = 4
  /// `int32`.
  case int32 = 5
  /// `fixed64`.
  case fixed64 = 6
  /// `fixed32`.
  case fixed32 = 7
  /// `bool`.
  case bool = 8
  /// `string`.
  case string = 9
  /// A proto2 group.
  case group = 10
  /// A message.
  case message = 11
  /// `bytes`.
  case bytes = 12
  /// `uint32`.
  case uint32 = 13
  /// An enum.
  case `enum` = 14
  /// `sfixed32`.
  case sfixed32 = 15
  /// `sfixed64`.
  case sfixed64 = 16
  /// `sint32`.
  case sint32 = 17
  /// `sint64`.
  case sint64 = 18
}

/// A field's cardinality, numbered as in `google.protobuf.FieldDescriptorProto.Label`.
public enum ProtoFieldLabel: Int, Sendable, Hashable, CaseIterable {
  /// Singular (proto3 fields without a label, and proto3 `optional` fields).
  case optional = 1
  /// Proto2 `required`.
  case required = 2
  /// `repeated` (maps too).
  case repeated = 3
}

/// What the schema says about one field, as generated code embeds it.
public struct ProtoFieldSchema: Sendable, Hashable {
  /// The protobuf field name, such as `token_flow_id`.
  public let name: String
  /// The Swift property name, such as `tokenFlowID`.
  public let swiftName: String
  /// The field number.
  public let number: Int
  /// The declared type.
  public let type: ProtoFieldType
  /// The cardinality.
  public let label: ProtoFieldLabel
  /// For message and enum fields, the full type name with a leading dot, such as `.google.protobuf.Timestamp`.
  public let typeName: String?
  /// The name of the (real, not synthetic) oneof the field belongs to.
  public let oneof: String?
  /// True for a proto3 `optional` field.
  public let isProto3Optional: Bool
  /// True for a map field (a repeated field of a map-entry message).
  public let isMap: Bool

  /// Creates a field description.
  public init(
    name: String, swiftName: String, number: Int, type: ProtoFieldType, label: ProtoFieldLabel,
    typeName: String? = nil, oneof: String? = nil, isProto3Optional: Bool = false, isMap: Bool = false
  ) {
    self.name = name
    self.swiftName = swiftName
    self.number = number
    self.type = type
    self.label = label
    self.typeName = typeName
    self.oneof = oneof
    self.isProto3Optional = isProto3Optional
    self.isMap = isMap
  }
}

/// What the schema says about one message.
public struct ProtoMessageSchema: Sendable, Hashable {
  /// The full name without a leading dot, such as `modal.client.TokensListResponse.Token`.
  public let fullName: String
  /// True for the synthetic entry message of a map field.
  public let isMapEntry: Bool
  /// The fields in declaration order.
  public let fields: [ProtoFieldSchema]

  /// Creates a message description.
  public init(fullName: String, isMapEntry: Bool = false, fields: [ProtoFieldSchema]) {
    self.fullName = fullName
    self.isMapEntry = isMapEntry
    self.fields = fields
  }
}

/// What the schema says about one enum.
public struct ProtoEnumSchema: Sendable, Hashable {
  /// One named value.
  public struct Value: Sendable, Hashable {
    /// The protobuf name, such as `CLIENT_TYPE_CLIENT`.
    public let name: String
    /// The number.
    public let number: Int32

    /// Creates a value description.
    public init(name: String, number: Int32) {
      self.name = name
      self.number = number
    }
  }

  /// The full name without a leading dot, such as `modal.client.ClientType`.
  public let fullName: String
  /// The values in declaration order.
  public let values: [Value]

  /// Creates an enum description.
  public init(fullName: String, values: [Value]) {
    self.fullName = fullName
    self.values = values
  }
}
