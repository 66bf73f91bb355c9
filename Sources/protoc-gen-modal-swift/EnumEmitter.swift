/// Writes a protobuf enum as a Swift enum conforming to `ProtoEnum`.
struct EnumEmitter {
  let comments: SourceComments

  func emit(_ enumType: EnumDescriptor, path: [Int32], fullName: String, into code: inout CodeBuilder) {
    let typeName = SwiftNames.typeName(enumType.name)
    var cases: [(name: String, value: EnumValueDescriptor, path: [Int32])] = []
    var usedNames: Set<String> = ["unrecognized"]
    for (index, value) in enumType.values.enumerated() {
      var name = SwiftNames.enumCase(value.name, enumName: enumType.name)
      while usedNames.contains(name) { name += "_" }
      usedNames.insert(name)
      cases.append((name, value, path + [SourceComments.PathTag.enumValue, Int32(index)]))
    }
    code.doc(comments.lines(path, fallback: "The `\(fullName)` enum."))
    code.doc(["", "Protobuf enum `\(fullName)`; numbers without a case decode as ``unrecognized(_:)``."])
    code.block("public enum \(typeName): ProtoEnum") { code in
      for entry in cases {
        code.doc(comments.lines(entry.path, fallback: "`\(entry.value.name)`."))
        code.doc(["", "`\(entry.value.name) = \(entry.value.number)`."])
        code.line("case \(SwiftNames.escaped(entry.name))")
      }
      code.doc(["A number this schema does not name, kept as it arrived."])
      code.line("case unrecognized(Int32)")
      code.line()
      code.doc(["The case for a number; numbers without a name become ``unrecognized(_:)``."])
      code.block("public init(rawValue: Int32)") { code in
        code.switchBlock("rawValue") { code in
          var seen: Set<Int32> = []
          for entry in cases where seen.insert(entry.value.number).inserted {
            code.line("case \(entry.value.number): self = .\(SwiftNames.escaped(entry.name))")
          }
          code.line("default: self = .unrecognized(rawValue)")
        }
      }
      code.line()
      code.doc(["The number sent on the wire."])
      code.block("public var rawValue: Int32") { code in
        code.switchBlock("self") { code in
          for entry in cases { code.line("case .\(SwiftNames.escaped(entry.name)): return \(entry.value.number)") }
          code.line("case .unrecognized(let value): return value")
        }
      }
      code.line()
      code.doc(["Every named case, in declaration order."])
      let list = cases.map { "." + SwiftNames.escaped($0.name) }.joined(separator: ", ")
      code.line("public static let knownCases: [\(typeName)] = [\(list)]")
      code.line()
      code.doc(["The protobuf name of a named case, nil for an unrecognized number."])
      code.block("public var protoName: String?") { code in
        code.switchBlock("self") { code in
          for entry in cases {
            code.line("case .\(SwiftNames.escaped(entry.name)): return \(SwiftNames.stringLiteral(entry.value.name))")
          }
          code.line("case .unrecognized: return nil")
        }
      }
    }
  }
}
