import CommandLineKit
import Modal

/// `modal secret create|list|delete` (spec section 10), so a user can see a token's permissions at work.
enum SecretCommands {
  static let group = CommandSpec(
    name: "secret", abstract: "Manage secrets.", subcommands: [list, create, delete])

  static let list = CommandSpec(
    name: "list", abstract: "List your published secrets.",
    options: [CommonOptions.environment, CommonOptions.json]
  ) { invocation in
    let client = try await CLIClients.make(invocation)
    let environment = EnvironmentCommands.environment(invocation, client: client)
    let secrets = try await client.secrets.list(environment: environment).all()
    let columns = ["Name", "Created at", "Created by", "Last used at"]
    if invocation[CommonOptions.json] {
      let rows = secrets.map { secret -> JSONValue in
        .object([
          ("Name", .string(secret.name)),
          ("Created at", LocalTime.json(secret.createdAt)),
          ("Created by", secret.createdBy.map { JSONValue.string($0) } ?? .null),
          ("Last used at", LocalTime.json(secret.lastUsedAt)),
        ])
      }
      invocation.console.write(JSONValue.array(rows).rendered() + "\n")
      return 0
    }
    let rows = secrets.map { secret -> [String] in
      [secret.name, LocalTime.cell(secret.createdAt), secret.createdBy ?? "", LocalTime.cell(secret.lastUsedAt)]
    }
    let title = environment.isEmpty ? "Secrets" : "Secrets in environment '\(environment)'"
    invocation.console.write(TableRenderer(columns: columns, rows: rows, title: title).rendered())
    return 0
  }

  static let secretName = Argument<String>("SECRET_NAME")
  static let force = Flag("--force", help: "Overwrite the secret if it already exists.")
  static let allowMissing = Flag("--allow-missing", help: "Don't error if the secret doesn't exist.")

  static let create = CommandSpec(
    name: "create", abstract: "Create a new secret.",
    discussion: """
      Values are never taken from the command line. Use KEY=- to type a value at a hidden prompt
      (or pipe one line per KEY=- on standard input), --from-dotenv FILE or --from-json FILE:
        printf '%s\\n' "$TOKEN" | modal secret create my-secret API_TOKEN=-
      """,
    options: [
      CommonOptions.environment, SecretValues.fromDotenv, SecretValues.fromJSON, force,
    ],
    arguments: [secretName, SecretValues.keyValues]
  ) { invocation in
    let name = invocation[secretName]
    try checkSecretName(name)
    let pairs = try SecretValues(invocation: invocation).collect()
    guard !pairs.isEmpty else {
      throw UsageError(
        "You need to specify at least one key for your secret (KEY=-, --from-dotenv or --from-json).",
        commandPath: invocation.commandPath)
    }
    let client = try await CLIClients.make(invocation)
    _ = try await client.secrets.create(
      name, values: Dictionary(pairs, uniquingKeysWith: { $1 }),
      environment: EnvironmentCommands.environment(invocation, client: client),
      ifExists: invocation[force] ? .overwrite : .fail)
    let keys = pairs.map { "'\($0.0)'" }.joined(separator: ", ")
    let console = invocation.console
    console.write("Created a new secret '\(name)' with the key\(pairs.count > 1 ? "s" : "") \(keys)\n\n")
    console.write("Use it in your Modal app:\n\n")
    console.write("@app.function(secrets=[modal.Secret.from_name(\"\(name)\")])\ndef some_function():\n")
    for (key, _) in pairs { console.write("    os.getenv(\"\(key)\")\n") }
    return 0
  }

  static let delete = CommandSpec(
    name: "delete", abstract: "Delete a named secret.",
    options: [
      CommonOptions.environment, allowMissing, CommonOptions.yes,
    ],
    arguments: [secretName]
  ) { invocation in
    let name = invocation[secretName]
    try checkSecretName(name)
    let client = try await CLIClients.make(invocation)
    let environment = EnvironmentCommands.environment(invocation, client: client)
    let secretID: String
    do throws(ModalError) {
      secretID = try await client.secrets.fromName(name, environment: environment).id
    } catch {
      if error.code == .notFound && invocation[allowMissing] { return 0 }
      throw error
    }
    guard Confirmation.confirm(invocation, question: "Are you sure you want to irrevocably delete the modal.Secret '\(name)'?")
    else { return 1 }
    do throws(ModalError) {
      try await client.secrets.delete(id: secretID)
    } catch {
      if error.code == .notFound && invocation[allowMissing] { return 0 }
      throw error
    }
    invocation.console.write("Deleted secret '\(name)'.\n")
    return 0
  }

  /// Python's object-name rule and text: `^[a-zA-Z0-9-_.]+$`, at most 64 characters, not an app id.
  static func checkSecretName(_ name: String) throws(ModalError) {
    let allowed = name.unicodeScalars.allSatisfy {
      $0.isASCII && (($0.properties.isAlphabetic || ("0"..."9").contains($0)) || $0 == "-" || $0 == "_" || $0 == ".")
    }
    let looksLikeAppID = name.hasPrefix("ap-") && name.count == 25
      && name.dropFirst(3).unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    guard !name.isEmpty, name.count <= 64, allowed, !looksLikeAppID else {
      throw ModalError(
        .invalidArgument,
        "Invalid Secret name: '\(name)'.\n\nNames may contain only alphanumeric characters, dashes, periods, and underscores, must be shorter than 64 characters, and cannot conflict with App ID strings.")
    }
  }
}
