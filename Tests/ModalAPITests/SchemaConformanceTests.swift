import Foundation
import ModalAPI
import ProtoWire
import Testing

/// The schema of modal_proto/api.proto as `scripts/interop/modal_proto_interop.py describe` prints it.
struct ReferenceSchema: Decodable {
  struct Field: Decodable {
    let name: String
    let number: Int
    let type: Int
    let label: Int
    let type_name: String?
    let oneof: String?
    let proto3_optional: Bool
  }
  struct Message: Decodable {
    let map_entry: Bool
    let fields: [Field]
  }
  struct EnumValue: Decodable {
    let name: String
    let number: Int32
  }
  struct Method: Decodable {
    let name: String
    let input: String
    let output: String
    let client_streaming: Bool
    let server_streaming: Bool
  }
  let messages: [String: Message]
  let enums: [String: [EnumValue]]
  let services: [String: [Method]]

  /// Loads the schema from the real modal_proto in the test venv.
  static func load() throws -> ReferenceSchema {
    guard let python = Support.venvPython else { throw ReferenceError(Support.missingVenv) }
    let result = try Support.run(python, [Support.interopScript, "describe"])
    guard result.status == 0 else { throw ReferenceError("describe failed: \(result.stderr)") }
    return try JSONDecoder().decode(ReferenceSchema.self, from: Data(result.stdout.utf8))
  }
}

struct ReferenceError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// Every message, field, enum value and method the project defines matches Modal's own descriptor.
@Suite struct SchemaConformanceTests {
  @Test func everyMessageAndFieldMatchesModalProto() throws {
    let reference = try ReferenceSchema.load()
    for message in ModalAPISchema.messages {
      guard let theirs = reference.messages[message.fullName] else {
        Issue.record("\(message.fullName) is not in modal_proto")
        continue
      }
      #expect(theirs.map_entry == message.isMapEntry, "\(message.fullName): map entry")
      for field in message.fields {
        let context = "\(message.fullName).\(field.name)"
        guard let other = theirs.fields.first(where: { $0.name == field.name }) else {
          Issue.record("\(context) is not in modal_proto")
          continue
        }
        #expect(other.number == field.number, "\(context): number")
        #expect(other.type == field.type.rawValue, "\(context): type")
        #expect(other.label == field.label.rawValue, "\(context): label")
        #expect(other.type_name == field.typeName, "\(context): type name")
        #expect(other.oneof == field.oneof, "\(context): oneof")
        #expect(other.proto3_optional == field.isProto3Optional, "\(context): proto3 optional")
        let theirMap = other.type_name.flatMap { reference.messages[String($0.dropFirst())]?.map_entry } ?? false
        #expect(theirMap == field.isMap, "\(context): map")
      }
    }
  }

  @Test func everyEnumValueMatchesModalProto() throws {
    let reference = try ReferenceSchema.load()
    for enumSchema in ModalAPISchema.enums {
      guard let theirs = reference.enums[enumSchema.fullName] else {
        Issue.record("\(enumSchema.fullName) is not in modal_proto")
        continue
      }
      for value in enumSchema.values {
        #expect(
          theirs.contains { $0.name == value.name && $0.number == value.number },
          "\(enumSchema.fullName).\(value.name) = \(value.number) is not in modal_proto")
      }
      #expect(theirs.count == enumSchema.values.count, "\(enumSchema.fullName): modal_proto has other values")
    }
  }

  @Test func everyMethodMatchesModalProto() throws {
    let reference = try ReferenceSchema.load()
    let methods = try #require(reference.services["modal.client.ModalClient"])
    for method in ModalClientMethods.all {
      guard let theirs = methods.first(where: { $0.name == method.methodName }) else {
        Issue.record("\(method.path) is not in modal_proto")
        continue
      }
      #expect(theirs.input == "." + method.requestType.protoMessageName, "\(method.path): request")
      #expect(theirs.output == "." + method.responseType.protoMessageName, "\(method.path): response")
      #expect(theirs.client_streaming == method.clientStreaming && theirs.server_streaming == method.serverStreaming)
    }
  }
}
