import CommandLineKit
import Foundation

/// `modal-server federation add|list|remove`: trust policies of workload identity federation
/// (`docs/federation.md`), with the same checks as the dashboard's page.
enum FederationCommands {
  static let usage = """
    Usage: modal-server federation add --data-dir DIR --workspace W --name N --issuer URL --audience AUD
                                       (--jwks-file F | --jwks-url URL) [--claim KEY=PATTERN]...
                                       [--scopes a,b] [--environment E] [--ttl 15m] [--json]
           modal-server federation list --data-dir DIR --workspace W [--json]
           modal-server federation remove --data-dir DIR --workspace W --name N

    add      Trusts OIDC tokens of the issuer URL for the audience AUD: POST /oauth/token on the
             dashboard's listener exchanges them (RFC 8693) for short-lived tokens of W.
               --jwks-file F     The issuer's public keys, a JWKS file (stored with the policy)
               --jwks-url URL    The issuer's JWKS URL (https, cached, refreshed on an unknown kid);
                                 without either, the keys are found through the issuer's OpenID
                                 discovery document (ISSUER/.well-known/openid-configuration)
               --claim K=P       A claim that must match, exactly or as a glob (* ? [..]);
                                 repeat for more, all must hold (e.g. repository=acme/app)
               --scopes a,b      What minted tokens may do (default read): \(Scope.allCases.map(\.rawValue).joined(separator: ", "))
               --environment E   The Modal environment minted tokens are meant for
               --ttl D           Their lifetime, 1m to 12h (default 15m)
             Minted tokens act as a service user named oidc-N, made with the policy.
    list     The policies of W.
    remove   Removes a policy, its service user, and revokes the tokens it minted.
    Every command also takes --database URL (default: $MODAL_SERVER_DATABASE_URL, else SQLite in DIR).

    """

  static let name = Option<String>.required("--name", placeholder: "N", help: "The policy's name")
  static let issuer = Option<String>.required("--issuer", placeholder: "URL", help: "The issuer (iss) to trust")
  static let audience = Option<String>.required("--audience", placeholder: "AUD", help: "The audience (aud) expected")
  static let jwksFile = Option<String?>("--jwks-file", placeholder: "F", help: "The issuer's keys, a JWKS file")
  static let jwksURL = Option<String?>("--jwks-url", placeholder: "URL", help: "The issuer's JWKS URL (https)")
  static let claim = RepeatedOption<ClaimCondition>(
    "--claim", placeholder: "KEY=PATTERN", help: "A claim condition (repeatable)"
  ) { text throws(InvalidValue) in
    do throws(ServerError) {
      return try ClaimCondition(parsing: text)
    } catch {
      throw InvalidValue(error.message)
    }
  }
  static let scopes = Option<ScopeSet>(
    "--scopes", placeholder: "a,b", default: ScopeSet([.read]), help: "Scopes of minted tokens (default read)"
  ) { text throws(InvalidValue) in
    do throws(ServerError) {
      return try ScopeSet(parsing: text)
    } catch {
      throw InvalidValue(error.message)
    }
  }
  static let environment = Option<String?>("--environment", placeholder: "E", help: "The Modal environment")
  static let ttl = Option<Int64>(
    "--ttl", placeholder: "D", default: FederationPolicy.defaultLifetime, help: "Lifetime of minted tokens (default 15m)"
  ) { text throws(InvalidValue) in
    do throws(InvalidValue) {
      return try ArgumentValues.duration(text)
    } catch {
      throw InvalidValue(error.message.replacingOccurrences(of: "--expires-in", with: "--ttl"))
    }
  }

  static let group = ServerCommand(
    name: "federation", abstract: "Trust CI OIDC tokens: add, list or remove federation policies",
    subcommands: [
      MemberCommands.command("add", help: usage, options: [name, issuer, audience, jwksFile, jwksURL, claim, scopes, environment, ttl, ServerOptions.json], run: add),
      MemberCommands.command("list", help: usage, options: [ServerOptions.json], run: list),
      MemberCommands.command("remove", help: usage, options: [name], run: remove),
    ],
    helpText: usage)

  /// Where the keys come from: the file's text, the URL, or discovery when neither is given.
  private static func keySource(_ parsed: ServerInvocation) throws -> FederationKeySource {
    switch (parsed[jwksFile], parsed[jwksURL]) {
    case (.some, .some):
      throw CommandUsageError(message: "Give --jwks-file or --jwks-url, not both.", usage: usage)
    case (.some(let path), nil):
      guard let data = FileManager.default.contents(atPath: path) else {
        throw ServerError(.notFound, "Cannot read the JWKS file '\(path)'; check the path and its permissions.")
      }
      guard data.count <= FederationService.maximumDocumentBytes else {
        throw ServerError(.invalidArgument, "The JWKS file '\(path)' is larger than 64 KiB.")
      }
      return .document(String(decoding: data, as: UTF8.self))
    case (nil, .some(let url)): return .url(url)
    case (nil, nil): return .discovery
    }
  }

  private static func add(_ parsed: ServerInvocation) async throws {
    let terms = FederationPolicy.Terms(
      name: parsed[name], issuer: parsed[issuer], audience: parsed[audience], keys: try keySource(parsed),
      conditions: parsed[claim], scopes: parsed[scopes], environmentName: parsed[environment],
      lifetimeSeconds: parsed[ttl])
    let policy = try await MemberCommands.withWorkspace(parsed) { backend, workspace in
      let owner = try await backend.accounts.firstOwner(of: workspace)
      return try await backend.federation.add(terms, in: workspace, creator: owner, by: .serverOperator)
    }
    if parsed[ServerOptions.json] {
      parsed.output.out(ServerCommandLine.json(object(policy, workspace: parsed[ServerOptions.workspace])))
    } else {
      parsed.output.out(
        "Added federation policy '\(terms.name)' (\(policy.id)) to '\(parsed[ServerOptions.workspace])': tokens of "
          + "\(terms.issuer) for \(terms.audience) exchange for \(terms.scopes) tokens of \(terms.lifetimeSeconds)s.\n")
    }
  }

  private static func list(_ parsed: ServerInvocation) async throws {
    let policies = try await MemberCommands.withWorkspace(parsed) { backend, workspace in
      try await backend.federation.list(in: workspace)
    }
    for policy in policies {
      let terms = policy.terms
      if parsed[ServerOptions.json] {
        parsed.output.out(ServerCommandLine.json(object(policy, workspace: parsed[ServerOptions.workspace])))
      } else {
        let claims = terms.conditions.map(\.description).joined(separator: " ")
        parsed.output.out(
          "\(terms.name)  \(terms.issuer)  aud=\(terms.audience)  keys=\(terms.keys.summary)  "
            + "scopes=\(terms.scopes)  ttl=\(terms.lifetimeSeconds)s\(claims.isEmpty ? "" : "  " + claims)\n")
      }
    }
  }

  private static func remove(_ parsed: ServerInvocation) async throws {
    try await MemberCommands.withWorkspace(parsed) { backend, workspace in
      try await backend.federation.remove(parsed[name], in: workspace, by: .serverOperator)
    }
    parsed.output.out(
      "Removed federation policy '\(parsed[name])' of '\(parsed[ServerOptions.workspace])'; the tokens it minted are revoked.\n")
  }

  /// A policy as `--json` prints it (one object per line for `list`).
  static func object(_ policy: FederationPolicy, workspace: String) -> [String: Any] {
    let terms = policy.terms
    var object: [String: Any] = [
      "id": policy.id.rawValue, "name": terms.name, "workspace": workspace, "issuer": terms.issuer,
      "audience": terms.audience, "keys": terms.keys.summary,
      "claims": terms.conditions.map { ["key": $0.key, "pattern": $0.pattern] }, "scopes": terms.scopes.description,
      "ttl_seconds": terms.lifetimeSeconds, "service_user_id": policy.serviceUserID.rawValue,
      "created_at": policy.createdAt.iso8601, "created_by": policy.createdByName,
    ]
    if let environment = terms.environmentName { object["environment"] = environment }
    return object
  }
}
