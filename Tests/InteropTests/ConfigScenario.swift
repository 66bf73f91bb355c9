import TestSupport

/// One generated configuration situation: a config file (or none) and environment variables.
struct ConfigScenario: CustomStringConvertible {
  /// The file's text, or nil for no file.
  var file: String?
  /// Whether the file is given by MODAL_CONFIG_PATH (else it is ~/.modal.toml).
  var viaConfigPath: Bool
  /// MODAL_* variables to set.
  var variables: [String: String]
  /// Which deliberate difference applies, if any.
  var expectedDifference: Difference?

  enum Difference: Equatable {
    /// D2: an empty MODAL_* variable counts as unset in Swift.
    case emptyVariable
    /// D4: a malformed file, or a wrongly typed key, is an error with path, line and column in Swift.
    case malformedFile
  }

  var description: String {
    "file: \(file.map { "\n" + $0 } ?? "none")\nvia MODAL_CONFIG_PATH: \(viaConfigPath)\nvariables: \(variables.sorted { $0.key < $1.key })"
  }

  /// Generates a scenario from the random source.
  static func generate(using random: inout SeededGenerator) -> ConfigScenario {
    let names = ["default", "alice-ws", "bob", "team_2", "prod.eu"]
    var scenario = ConfigScenario(file: nil, viaConfigPath: Bool.random(using: &random), variables: [:])
    var profileNames: [String] = []
    let shape = Int.random(in: 0..<20, using: &random)
    if shape == 0 {
      scenario.file = nil
    } else if shape == 1 {
      scenario.file = ["[a]\ntoken_id = \"ak-1\ntoken_secret = \"x\"\n", "[a\n", "x = 1\n", "[a]\nk = \n", "[a]\nactive = \"yes\"\n"]
        .randomElement(using: &random)!
      scenario.expectedDifference = .malformedFile
    } else {
      var text = Bool.random(using: &random) ? "# generated config\n" : ""
      let count = Int.random(in: 1...3, using: &random)
      for name in names.shuffled(using: &random).prefix(count) {
        profileNames.append(name)
        text += name.contains(".") ? "[\"\(name)\"]\n" : "[\(name)]\n"
        text += profileBody(name, using: &random)
        text += "\n"
      }
      scenario.file = text
    }

    func maybe(_ key: String, _ values: [String]) {
      if Int.random(in: 0..<4, using: &random) == 0 { scenario.variables[key] = values.randomElement(using: &random)! }
    }
    maybe("MODAL_PROFILE", profileNames + ["ghost", "default"])
    maybe("MODAL_TOKEN_ID", ["ak-ENVIRONMENT0000000000"])
    maybe("MODAL_TOKEN_SECRET", ["as-ENVIRONMENTSECRET0000"])
    maybe("MODAL_SERVER_URL", ["http://127.0.0.1:50777", "https://a.example,https://b.example"])
    maybe("MODAL_ENVIRONMENT", ["dev", "main"])
    maybe("MODAL_LOGLEVEL", ["debug", "INFO"])
    maybe("MODAL_LOGS_TIMEOUT", ["2.5", "7", "1_000", " 3 ", "1e3"])
    maybe("MODAL_SANDBOX_V2", ["0", "false", "False", "no", "1"])
    maybe("MODAL_MAX_THROTTLE_WAIT", ["30", " 42 "])
    maybe("MODAL_PAYLOAD_FORMAT", ["CBOR", "pickle"])
    maybe("MODAL_TRACEBACK", ["1", "TRUE", "0"])
    if Int.random(in: 0..<6, using: &random) == 0 {
      let key = ["MODAL_TOKEN_ID", "MODAL_ENVIRONMENT", "MODAL_SERVER_URL", "MODAL_LOGS_TIMEOUT"].randomElement(using: &random)!
      scenario.variables[key] = ""
      if scenario.expectedDifference == nil { scenario.expectedDifference = .emptyVariable }
    }
    return scenario
  }

  private static func profileBody(_ name: String, using random: inout SeededGenerator) -> String {
    var body = ""
    func maybe(_ line: String, odds: Int = 2) {
      if Int.random(in: 0..<odds, using: &random) == 0 { body += line + "\n" }
    }
    let suffix = name.filter { $0.isLetter }.uppercased()
    maybe("token_id = \"ak-\(suffix)0000000000\"", odds: 1)
    maybe("token_secret = \"as-\(suffix)SECRET0000\"")
    maybe(["active = true", "active = false"].randomElement(using: &random)!)
    maybe("server_url = \"http://127.0.0.1:\(Int.random(in: 1000...60000, using: &random))\"")
    maybe("environment = \"\(["dev", "main", "staging"].randomElement(using: &random)!)\"", odds: 3)
    maybe("logs_timeout = \(["5", "7.5", "\"12\"", "1e3"].randomElement(using: &random)!)", odds: 3)
    maybe("sandbox_v2 = \(["false", "\"0\"", "0", "true", "\"False\""].randomElement(using: &random)!)", odds: 3)
    maybe("max_throttle_wait = \(["3", "\"7\"", "0"].randomElement(using: &random)!)", odds: 4)
    maybe("payload_format = \"CBOR\"", odds: 5)
    maybe("loglevel = \"info\"", odds: 5)
    maybe("custom_key = 5", odds: 4)
    maybe("dev_suffix = \"abc1\"", odds: 5)
    return body
  }
}
