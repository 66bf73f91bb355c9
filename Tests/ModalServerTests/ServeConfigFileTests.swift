import Foundation
import Testing
import TestSupport

@testable import CommandLineKit
@testable import ModalServer

/// `serve --config FILE`: every key is its flag, flags override the file, and mistakes are
/// refused with FILE:LINE:COLUMN.
@Suite struct ServeConfigFileTests {
  /// A valid value for each of serve's options, as TOML. A new option without a sample here fails
  /// `everyOptionIsAKeyOfTheFile`, so none can be left out of the file's reach.
  private static let samples: [String: String] = [
    "--data-dir": "\"/srv/modal\"", "--grpc-address": "\"127.0.0.1:50051\"", "--http-address": "\"[::1]:8080\"",
    "--public-url": "\"https://modal.example.com\"", "--database": "\"sqlite:/srv/db.sqlite3\"", "--database-pool": "16",
    "--events-database": "\"postgres://modal@db:5432/modal\"",
    "--tls-cert": "\"/etc/cert.pem\"", "--tls-key": "\"/etc/key.pem\"", "--disable-signup": "true",
    "--http-connections-per-address": "0", "--flow-starts-per-minute": "7", "--http-header-timeout": "30",
    "--grpc-max-streams": "50", "--grpc-memory-mb": "64", "--grpc-pollers": "1", "--login-failures-per-address": "9", "--signups-per-address": "2",
    "--password-queue": "4", "--quota-secrets": "10", "--quota-secret-value-kib": "1", "--quota-secret-mib": "2",
    "--quota-tokens": "3", "--quota-service-users": "4", "--metrics-address": "\"127.0.0.1:9464\"", "--log-format": "\"json\"",
    "--audit-retention": "\"30d\"",
    "--secret-scanning-keys": "\"/etc/modal-server/github-keys.json\"",
    "--federation-ca-file": "\"/etc/modal/oidc-ca.pem\"",
    "--federation-key-refresh": "30",
  ]

  private var options: [OptionDeclaration] { ServeCommand.command.options }

  /// The typed values the parser gives for `words`, as text, by option name.
  private func parsed(_ words: [String]) throws -> [String: String] {
    guard case .run(_, let values) = try CommandParser(root: CommandTree.root, rules: CommandTree.rules).parse(words) else {
      throw ServerError(.internal, "not a run")
    }
    return values.options.filter { $0.key != "--config" }.mapValues { String(describing: $0) }
  }

  @Test func everyOptionIsAKeyOfTheFile() throws {
    let folder = TemporaryFolder()
    for option in options where option.name != "--config" {
      let sample = try #require(Self.samples[option.name], "no sample for \(option.name): add one, and a key to deploy/modal-server.toml")
      let key = String(option.name.dropFirst(2))
      let toml = Self.samples.filter { $0.key != "--config" }.map { "\(String($0.key.dropFirst(2))) = \($0.value)" }
      let file = folder.write(toml.joined(separator: "\n") + "\n", to: "all.toml")
      let fromFile = try parsed(try ServeConfigFile.expand(["serve", "--config", file], options: options))
      // The same value as a flag gives the same typed value as the key.
      let flagText = sample.hasPrefix("\"") ? String(sample.dropFirst().dropLast()) : sample
      let flagWords = option.kind == .flag ? [option.name] : [option.name + "=" + flagText]
      let required = ["--data-dir": "d", "--grpc-address": "a:1", "--http-address": "b:2"].filter { $0.key != option.name }
      let fromFlag = try parsed(["serve"] + required.map { $0.key + "=" + $0.value } + flagWords)
      #expect(fromFile[option.name] != nil && fromFile[option.name] == fromFlag[option.name], "\(key)")
      #expect(try String(contentsOfFile: "deploy/modal-server.toml", encoding: .utf8).contains("\n\(key) =") || (try String(contentsOfFile: "deploy/modal-server.toml", encoding: .utf8).contains("# \(key) =")), "\(key) is missing from deploy/modal-server.toml")
    }
    #expect(Set(Self.samples.keys) == Set(options.map(\.name)).subtracting(["--config"]))
  }

  @Test func flagsOverrideTheFileAndTheExampleParses() throws {
    let folder = TemporaryFolder()
    let file = folder.write("grpc-address = \"127.0.0.1:1\"\nhttp-address = \"127.0.0.1:2\"\ndata-dir = \"/x\"\ndatabase-pool = 3\n", to: "c.toml")
    let values = try parsed(
      try ServeConfigFile.expand(["serve", "--config=\(file)", "--database-pool", "5", "--data-dir=/y"], options: options))
    #expect(values["--database-pool"] == "5" && values["--data-dir"] == "/y")
    #expect(values["--grpc-address"]?.contains("127.0.0.1") == true)
    let example = try parsed(try ServeConfigFile.expand(["serve", "--config", "deploy/modal-server.toml"], options: options))
    #expect(example["--data-dir"] == "/var/lib/modal-server")
  }

  @Test func mistakesAreRefusedWithTheirPlace() throws {
    let folder = TemporaryFolder()
    let cases: [(String, String)] = [
      ("data-dir = \"/x\"\n  grpc_address = \"a:1\"\n", ":2:3: unknown key 'grpc_address'. Did you mean grpc-address?"),
      ("[server]\nport = 1\n", ":1:1: unknown key 'server'."),
      ("config = \"other.toml\"\n", ":1:1: unknown key 'config'."),
      ("database-pool = \"many\"\n", ":1:1: --database-pool must be a number from 1 to 1000, not 'many'."),
      ("disable-signup = \"yes\"\n", ":1:1: disable-signup is a switch: write disable-signup = true or disable-signup = false, not a string."),
      ("grpc-address = 50051\n", ":1:1: --grpc-address must be HOST:PORT"),
      ("public-url = \"https://exa mple.com\"\n", ":1:1: --public-url must be an http:// or https:// URL with a host, without spaces"),
      ("public-url = \"modal.example.com\"\n", ":1:1: --public-url must be an http:// or https:// URL"),
      ("public-url = \"https:///flow\"\n", ":1:1: --public-url must be an http:// or https:// URL with a host"),
      ("public-url = \"https://admin:hunter2@modal.example.com\"\n", ":1:1: --public-url must not hold a user name or password"),
      ("log-format = [\"json\"]\n", ":1:1: log-format takes text|json, written as a TOML string (or a number), not an array."),
      ("data-dir = \n", ":1:"),  // the TOML parser's own error, with its place
    ]
    for (text, expected) in cases {
      let file = folder.write(text, to: "bad.toml")
      do {
        _ = try ServeConfigFile.expand(["serve", "--config", file], options: options)
        Issue.record("accepted \(text)")
      } catch {
        let place = String(expected.prefix { $0 != " " })
        let message = String(expected.dropFirst(place.count))
        #expect(error.message.hasPrefix(file + place) && (message.isEmpty || error.message.contains(message)), "\(error.message)")
        #expect(!error.message.contains("hunter2"), "the refused URL's password is repeated: \(error.message)")
      }
    }
    let missing = try runServerCommand(["serve", "--config", folder.path + "/none.toml"])
    #expect(missing.status == 1 && missing.stderr.hasPrefix("Error: Could not read the configuration file"), "\(missing.stderr)")
  }
}
