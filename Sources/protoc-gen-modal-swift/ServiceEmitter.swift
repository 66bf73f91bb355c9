/// Writes a service as an enum of `MethodDescriptor` constants, one per RPC method.
struct ServiceEmitter {
  let resolver: TypeResolver
  let comments: SourceComments

  func emit(_ service: ServiceDescriptor, path: [Int32], fullName: String, into code: inout CodeBuilder)
    throws(GeneratorError)
  {
    var methods: [(name: String, type: String, literal: String, doc: [String])] = []
    for (index, method) in service.methods.enumerated() {
      let request = try resolver.entry(method.inputType).swiftName
      let response = try resolver.entry(method.outputType).swiftName
      var arguments =
        "serviceName: \(SwiftNames.stringLiteral(fullName)), methodName: \(SwiftNames.stringLiteral(method.name))"
      if method.clientStreaming { arguments += ", clientStreaming: true" }
      if method.serverStreaming { arguments += ", serverStreaming: true" }
      let methodPath = path + [SourceComments.PathTag.serviceMethod, Int32(index)]
      let kind = method.clientStreaming || method.serverStreaming ? "streaming" : "unary"
      methods.append(
        (
          SwiftNames.escaped(SwiftNames.lowerCamel(method.name)), "MethodDescriptor<\(request), \(response)>",
          "MethodDescriptor<\(request), \(response)>(\n    \(arguments))",
          comments.lines(methodPath, fallback: "The `\(method.name)` method.")
            + ["", "`/\(fullName)/\(method.name)`, \(kind): `\(request)` → `\(response)`."]
        ))
    }
    code.doc(comments.lines(path, fallback: "The `\(fullName)` service."))
    code.doc(["", "The methods of protobuf service `\(fullName)`, with their paths and message types."])
    code.block("public enum \(SwiftNames.typeName(service.name))Methods") { code in
      for method in methods {
        code.doc(method.doc)
        code.line("public static let \(method.name) = \(method.literal)")
        code.line()
      }
      code.doc(["Every method of the service, in declaration order."])
      code.line("public static let all: [AnyMethodDescriptor] = [")
      for method in methods { code.line("  \(method.name).erased,") }
      code.line("]")
    }
  }
}
