import Modal
import TestSupport
import TOML
import Testing

@Suite struct SettingsTests {
  private func value(_ key: String, file: String = "", _ variables: [String: String] = [:]) throws -> TOMLValue? {
    let folder = TemporaryFolder()
    folder.write(file)
    return try ModalConfig(host: folder.host(variables)).value(of: Setting.named(key)!)
  }

  @Test func environmentBeatsProfileBeatsDefault() throws {
    let file = "[p]\nactive = true\nserver_url = \"http://file\"\n"
    #expect(try value("server_url") == .string(Setting.defaultServerURL))
    #expect(try value("server_url", file: file) == .string("http://file"))
    #expect(try value("server_url", file: file, ["MODAL_SERVER_URL": "http://env"]) == .string("http://env"))
  }

  @Test func emptyEnvironmentVariableCountsAsUnset() throws {
    let file = "[p]\nactive = true\ntoken_id = \"ak-file\"\n"
    #expect(try value("token_id", file: file, ["MODAL_TOKEN_ID": ""]) == .string("ak-file"))
  }

  @Test func defaultsAreNotTransformed() throws {
    #expect(try value("logs_timeout") == .integer(10))
    #expect(try value("serve_timeout") == nil)
  }

  @Test(arguments: [
    ("false", false), ("'false'", false), ("'False'", false), ("'0'", false), ("0", false), ("''", false),
    ("true", true), ("'yes'", true), ("1", true), ("0.0", true), ("'no'", true),
  ])
  func booleanTransformMatchesPython(literal: String, expected: Bool) throws {
    let file = "[p]\nactive = true\ntraceback = \(literal)\n"
    #expect(try value("traceback", file: file) == .boolean(expected))
  }

  @Test func floatTransformAcceptsPythonSyntax() throws {
    #expect(try value("logs_timeout", ["MODAL_LOGS_TIMEOUT": " 1_0.5 "]) == .float(10.5))
    #expect(try value("logs_timeout", ["MODAL_LOGS_TIMEOUT": "5."]) == .float(5))
    #expect(try value("logs_timeout", ["MODAL_LOGS_TIMEOUT": "-Infinity"]) == .float(-.infinity))
    #expect(try value("logs_timeout", file: "[p]\nactive = true\nlogs_timeout = 5\n") == .float(5))
  }

  @Test func floatTransformRefusesWhatPythonRefuses() throws {
    for raw in ["abc", "0x10", "1__0", "_1", "1e", "nan(1)"] {
      let error = #expect(throws: ModalError.self) { try value("logs_timeout", ["MODAL_LOGS_TIMEOUT": raw]) }
      #expect(error?.message == "Invalid value for logs_timeout config ('\(raw)'): could not convert string to float: '\(raw)'")
    }
  }

  @Test func optionalIntegerTransform() throws {
    #expect(try value("max_throttle_wait", ["MODAL_MAX_THROTTLE_WAIT": "+0042"]) == .integer(42))
    #expect(try value("max_throttle_wait", file: "[p]\nactive = true\nmax_throttle_wait = 0\n") == nil)
    let error = #expect(throws: ModalError.self) { try value("max_throttle_wait", ["MODAL_MAX_THROTTLE_WAIT": "1.5"]) }
    #expect(error?.message == "Invalid value for max_throttle_wait config ('1.5'): invalid literal for int() with base 10: '1.5'")
  }

  @Test func uppercaseOfANumberFailsLikePython() throws {
    let error = #expect(throws: ModalError.self) { try value("loglevel", file: "[p]\nactive = true\nloglevel = 5\n") }
    #expect(error?.message == "Invalid value for loglevel config (5): 'int' object has no attribute 'upper'")
    #expect(try value("loglevel", ["MODAL_LOGLEVEL": "debug"]) == .string("DEBUG"))
  }

  @Test func choicesAreCheckedLowercased() throws {
    #expect(try value("payload_format", ["MODAL_PAYLOAD_FORMAT": "CBOR"]) == .string("cbor"))
    let error = #expect(throws: ModalError.self) { try value("build_validation", ["MODAL_BUILD_VALIDATION": "x"]) }
    #expect(error?.message == "Invalid value for build_validation config ('x'): Must be one of ['error', 'warn', 'ignore'].")
  }

  @Test func devSuffixRules() throws {
    #expect(try value("dev_suffix", ["MODAL_DEV_SUFFIX": "abc123"]) == .string("abc123"))
    #expect(throws: ModalError.self) { try value("dev_suffix", ["MODAL_DEV_SUFFIX": "toolong123"]) }
    #expect(throws: ModalError.self) { try value("dev_suffix", ["MODAL_DEV_SUFFIX": "a-b"]) }
  }

  @Test func overrideHeadersParse() throws {
    let parsed = try value("override_headers", ["MODAL_OVERRIDE_HEADERS": " a : 1 ,b:2"])
    #expect(parsed == .table(TOMLTable([("a", .string("1")), ("b", .string("2"))])))
    #expect(throws: ModalError.self) { try value("override_headers", ["MODAL_OVERRIDE_HEADERS": "a:1,,b:2"]) }
  }

  @Test func publicSettingsAreSortedAndInternalOnesHidden() throws {
    let folder = TemporaryFolder()
    let keys = try ModalConfig(host: folder.host()).allValues().map(\.key)
    #expect(keys == keys.sorted())
    #expect(keys.count == 27)
    #expect(!keys.contains("streams_url"))
    #expect(try ModalConfig(host: folder.host()).allValues(includeInternal: true).count == 41)
  }
}

@Suite struct PythonReprTests {
  @Test(arguments: [
    (5.0, "5.0"), (0.1, "0.1"), (1e16, "1e+16"), (1e15, "1000000000000000.0"), (1e-5, "1e-05"),
    (0.0001, "0.0001"), (123456789012345678.0, "1.2345678901234568e+17"), (-2.5, "-2.5"), (1.5e300, "1.5e+300"),
    (-0.0, "-0.0"), (Double.infinity, "inf"), (123.456, "123.456"), (Double.leastNonzeroMagnitude, "5e-324"),
  ])
  func floatMatchesPythonRepr(number: Double, expected: String) {
    #expect(PythonRepr.float(number) == expected)
  }

  @Test func stringRepr() {
    #expect(PythonRepr.of(.string("abc")) == "'abc'")
    #expect(PythonRepr.of(.string("it's")) == "\"it's\"")
    #expect(PythonRepr.of(.string("a'b\"c")) == "'a\\'b\"c'")
    #expect(PythonRepr.of(.string("tab\there\u{1}")) == "'tab\\there\\x01'")
  }
}
