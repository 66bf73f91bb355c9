/// How protobuf names become Swift names (the conventions are documented in docs/protobuf.md).
enum SwiftNames {
  /// Words written in capitals when they are not the first word: `token_flow_id` → `tokenFlowID`.
  static let acronyms: Set<String> = ["id", "url"]

  /// Swift keywords that need backticks when used as identifiers.
  static let keywords: Set<String> = [
    "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
    "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows", "static",
    "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue", "default", "defer", "do",
    "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch", "where", "while",
    "as", "false", "is", "nil", "self", "Self", "super", "throws", "true", "try", "Any", "Type", "Protocol",
    "await", "async", "consume", "copy", "discard", "each", "borrowing", "consuming", "some", "any",
  ]

  /// Type names that would shadow something every Swift file relies on.
  static let reservedTypeNames: Set<String> = [
    "Type", "Protocol", "Self", "Any", "String", "Int", "Int32", "Int64", "UInt32", "UInt64", "Bool", "Double",
    "Float", "Array", "Dictionary", "Optional", "Error", "Result", "Never",
  ]

  /// `token_flow_id` → `tokenFlowID`; `ClientHello` → `clientHello`.
  static func lowerCamel(_ protoName: String) -> String {
    let words = protoName.split(separator: "_").map(String.init).filter { !$0.isEmpty }
    var result = ""
    for (index, word) in words.enumerated() {
      if index == 0 {
        result += lowercasedFirst(word)
      } else if acronyms.contains(word.lowercased()) {
        result += word.uppercased()
      } else {
        result += uppercasedFirst(word)
      }
    }
    return result.isEmpty ? "_" : result
  }

  /// `identity` → `Identity`; `env_dict` → `EnvDict`.
  static func upperCamel(_ protoName: String) -> String { uppercasedFirst(lowerCamel(protoName)) }

  /// `WarningType` → `WARNING_TYPE` (the prefix protobuf style puts on enum value names).
  static func screamingSnake(_ camelName: String) -> String {
    var result = ""
    var previous: Character?
    for character in camelName {
      if character.isUppercase, let previous, previous.isLowercase || previous.isNumber { result += "_" }
      result += character.uppercased()
      previous = character
    }
    return result
  }

  /// An enum case name: the value name without the enum's prefix, in lower camel case.
  ///
  /// `CLIENT_TYPE_LIBMODAL_JS` in `ClientType` → `libmodalJs`, `IDENTITY_PROVIDER_TYPE_GITHUB` → `github`.
  static func enumCase(_ valueName: String, enumName: String) -> String {
    let prefix = screamingSnake(enumName) + "_"
    var name = valueName
    if name.hasPrefix(prefix), let first = name.dropFirst(prefix.count).first, first.isLetter {
      name = String(name.dropFirst(prefix.count))
    }
    return lowerCamel(name.lowercased())
  }

  /// The identifier as it must be written in a declaration or expression (backticks for keywords).
  static func escaped(_ identifier: String) -> String {
    keywords.contains(identifier) ? "`\(identifier)`" : identifier
  }

  /// A message or enum name that is safe as a Swift type name.
  static func typeName(_ protoName: String) -> String {
    reservedTypeNames.contains(protoName) ? protoName + "Message" : protoName
  }

  /// A Swift string literal for `text`.
  static func stringLiteral(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\t": result += "\\t"
      case "\r": result += "\\r"
      default:
        if scalar.value < 0x20 {
          result += "\\u{\(String(scalar.value, radix: 16))}"
        } else {
          result.unicodeScalars.append(scalar)
        }
      }
    }
    return result + "\""
  }

  private static func lowercasedFirst(_ word: String) -> String {
    guard let first = word.first else { return word }
    return first.lowercased() + word.dropFirst()
  }

  private static func uppercasedFirst(_ word: String) -> String {
    guard let first = word.first else { return word }
    return first.uppercased() + word.dropFirst()
  }
}
