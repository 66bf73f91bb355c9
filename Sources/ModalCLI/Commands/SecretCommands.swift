#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import CommandLineKit
import Modal
import ModalAPI

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
    let items = try await SecretLister(client: client, environment: environment).all()
    let columns = ["Name", "Created at", "Created by", "Last used at"]
    if invocation[CommonOptions.json] {
      let rows = items.map { item -> JSONValue in
        let metadata = item.metadata
        return .object([
          ("Name", .string(item.label)),
          ("Created at", LocalTime.json(metadata?.creationInfo?.createdAt ?? item.createdAt)),
          ("Created by", metadata?.creationInfo.map { JSONValue.string($0.createdBy) } ?? .null),
          ("Last used at", LocalTime.json(metadata?.lastUsedAt ?? item.lastUsedAt)),
        ])
      }
      invocation.console.write(JSONValue.array(rows).rendered() + "\n")
      return 0
    }
    let rows = items.map { item -> [String] in
      let metadata = item.metadata
      return [
        item.label, LocalTime.cell(metadata?.creationInfo?.createdAt ?? item.createdAt),
        metadata?.creationInfo?.createdBy ?? "", LocalTime.cell(metadata?.lastUsedAt ?? item.lastUsedAt),
      ]
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
    var request = SecretGetOrCreateRequest()
    request.deploymentName = name
    request.environmentName = EnvironmentCommands.environment(invocation, client: client)
    request.objectCreationType = invocation[force] ? .createOverwriteIfExists : .createFailIfExists
    request.envDict = Dictionary(pairs, uniquingKeysWith: { $1 })
    _ = try await client.call(ModalClientMethods.secretGetOrCreate, request)
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
      var lookup = SecretGetOrCreateRequest()
      lookup.deploymentName = name
      lookup.environmentName = environment
      secretID = try await client.call(ModalClientMethods.secretGetOrCreate, lookup).secretID
    } catch {
      if error.code == .notFound && invocation[allowMissing] { return 0 }
      throw error
    }
    guard Confirmation.confirm(invocation, question: "Are you sure you want to irrevocably delete the modal.Secret '\(name)'?")
    else { return 1 }
    var request = SecretDeleteRequest()
    request.secretID = secretID
    do throws(ModalError) {
      _ = try await client.call(ModalClientMethods.secretDelete, request)
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

/// Pages through `SecretList` as Python does: 100 a page, `created_before` the previous page's
/// last creation time (now for the first page), newest first, until a page is short.
struct SecretLister {
  let client: ModalClient
  let environment: String
  var pageSize: Int32 = 100

  /// Every secret of the environment.
  func all() async throws(ModalError) -> [SecretListItem] {
    var items: [SecretListItem] = []
    var before = Self.now()
    while true {
      var request = SecretListRequest()
      request.environmentName = environment
      var pagination = ListPagination()
      pagination.maxObjects = pageSize
      pagination.createdBefore = before
      request.pagination = pagination
      let page = try await client.call(ModalClientMethods.secretList, request).items
      items += page
      guard page.count >= Int(pageSize), let last = page.last else { return items }
      before = last.metadata?.creationInfo?.createdAt ?? last.createdAt
    }
  }

  static func now() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
  }
}
