import Foundation
import ModalJOSE
import ModalServer
import Testing
import TestSupport

/// The real Python `modal==1.6.4` CLI with `MODAL_OAUTH_*` settings against `modal-server serve`:
/// a client-secret app and a `private_key_jwt` app (key made here), the refusals a user meets.
@Suite(.serialized) struct OAuthInteropTests {
  private final class Scenario {
    let folder = TemporaryFolder()
    let server: ModalServerProcess
    let owner: Credentials
    let configPath: String

    init() throws {
      (server, owner) = try startBootstrappedServer(in: folder)
      // No token in the file: the OAuth variables are the only credentials.
      configPath = folder.write("[pyws]\nserver_url = \"\(server.url)\"\nactive = true\n", to: "modal.toml")
    }

    func command(_ arguments: [String]) throws -> [String: Any] {
      let result = try runServerCommand(arguments + ["--data-dir", server.dataDirectory, "--workspace", "pyws", "--json"])
      guard result.status == 0, let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
      else { throw ServerError(.internal, "\(arguments) failed: \(result.stderr)") }
      return json
    }

    /// Registers an app (with `extra` options) and grants it `scopes` for the owner.
    func app(_ extra: [String], scopes: String) throws -> (clientID: String, secret: String, refreshToken: String, grantID: String) {
      let app = try command(["oauth-app", "create", "--name", "Interop", "--scopes", scopes] + extra)
      let clientID = app["client_id"] as? String ?? ""
      let grant = try command(["oauth-app", "grant", "--email", "py@example.com", "--scopes", scopes, clientID])
      return (clientID, app["client_secret"] as? String ?? "", grant["refresh_token"] as? String ?? "", grant["grant_id"] as? String ?? "")
    }

    func run(_ modal: String, _ arguments: [String], _ variables: [String: String]) throws -> ProcessOutput {
      var environment = [
        "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": folder.path,
        "MODAL_SERVER_URL": server.url, "MODAL_CONFIG_PATH": configPath, "COLUMNS": "400", "TERM": "dumb", "NO_COLOR": "1",
      ]
      environment.merge(variables) { _, new in new }
      return try ProcessRunner.run(modal, arguments, environment: environment)
    }
  }

  private func modal() -> String? {
    switch ReferenceClient.executable() {
    case .success(let path): return path
    case .failure(let missing):
      Issue.record("\(missing)")
      return nil
    }
  }

  /// `modal token info`, `secret list` and `environment list` as the consenting user.
  private func actsForTheUser(_ modal: String, _ scenario: Scenario, _ variables: [String: String], grantID: String) throws {
    let info = try scenario.run(modal, ["token", "info"], variables)
    #expect(info.status == 0, "\(info.stderr)")
    #expect(info.stdout.contains(grantID) && info.stdout.contains("Workspace: pyws"))
    #expect(info.stdout.contains("User: py@example.com"))
    let secrets = try scenario.run(modal, ["secret", "list", "--json"], variables)
    #expect(secrets.status == 0 && secrets.stdout.contains("oauth-visible"), "\(secrets.stderr)")
    let environments = try scenario.run(modal, ["environment", "list", "--json"], variables)
    #expect(environments.status == 0 && environments.stdout.contains("\"name\": \"main\""), "\(environments.stderr)")
  }

  @Test func clientSecretCredentialsActForTheUserUntilRevoked() throws {
    guard let modal = modal() else { return }
    let scenario = try Scenario()
    defer { scenario.server.stop(.terminate) }
    let owner = ["MODAL_TOKEN_ID": scenario.owner.id, "MODAL_TOKEN_SECRET": scenario.owner.secret]
    #expect(try scenario.run(modal, ["secret", "create", "oauth-visible", "K=v"], owner).status == 0)
    let app = try scenario.app([], scopes: "read")
    let variables = [
      "MODAL_OAUTH_REFRESH_TOKEN": app.refreshToken, "MODAL_OAUTH_CLIENT_ID": app.clientID,
      "MODAL_OAUTH_CLIENT_SECRET": app.secret,
    ]
    try actsForTheUser(modal, scenario, variables, grantID: app.grantID)
    // Our CLI (the Swift SDK underneath) with the same settings.
    try actsForTheUser(ProcessRunner.product("modal"), scenario, variables, grantID: app.grantID)
    let doctor = try scenario.run(ProcessRunner.product("modal"), ["doctor"], variables)
    #expect(doctor.stdout.contains("Using the OAuth client \(app.clientID)"), "\(doctor.stdout)\(doctor.stderr)")
    #expect(doctor.stdout.contains("The server accepts the OAuth credentials of client \(app.clientID)"))
    #expect(doctor.stdout.contains("through grant \(app.grantID) (OAuth: Interop)"))
    #expect(!doctor.stdout.contains(app.refreshToken) && !doctor.stdout.contains(app.secret))

    // A scope not granted, a wrong secret, a mix with a token pair (Python's own refusal).
    let write = try scenario.run(modal, ["secret", "create", "not-allowed", "K=v"], variables)
    #expect(write.status != 0 && write.stderr.contains("secrets:write"), "\(write.stdout)\(write.stderr)")
    var wrong = variables
    wrong["MODAL_OAUTH_CLIENT_SECRET"] = "ov-" + String(repeating: "W", count: 30)
    let refused = try scenario.run(modal, ["secret", "list"], wrong)
    #expect(refused.status != 0 && refused.stderr.contains("OAuth authentication failed"), "\(refused.stderr)")
    let mixed = try scenario.run(modal, ["secret", "list"], variables.merging(owner) { _, new in new })
    #expect(mixed.status != 0 && mixed.stderr.contains("Modal token credentials and OAuth credentials cannot both be configured"))

    _ = try runServerCommand(["oauth-app", "revoke-grant", "--data-dir", scenario.server.dataDirectory, "--workspace", "pyws", app.grantID])
    let revoked = try scenario.run(modal, ["secret", "list"], variables)
    #expect(revoked.status != 0 && revoked.stderr.contains("was revoked at"), "\(revoked.stderr)")
    let log = scenario.server.log
    #expect(!log.contains(app.refreshToken) && !log.contains(app.secret))
  }

  @Test func privateKeyJWTCredentialsActForTheUser() throws {
    guard let modal = modal() else { return }
    let scenario = try Scenario()
    defer { scenario.server.stop(.terminate) }
    let owner = ["MODAL_TOKEN_ID": scenario.owner.id, "MODAL_TOKEN_SECRET": scenario.owner.secret]
    #expect(try scenario.run(modal, ["secret", "create", "oauth-visible", "K=v"], owner).status == 0)
    let key = try JWTSigningKey.generate(.rs256)
    let publicKey = scenario.folder.write(JSONValue.object(key.publicKey.jsonObject).serialized, to: "client.jwk")
    let app = try scenario.app(["--public-key", publicKey], scopes: "all")
    #expect(app.secret.isEmpty)
    let variables = [
      "MODAL_OAUTH_REFRESH_TOKEN": app.refreshToken, "MODAL_OAUTH_CLIENT_ID": app.clientID,
      "MODAL_OAUTH_JWT_KEY": key.privateKeyPEM,
    ]
    try actsForTheUser(modal, scenario, variables, grantID: app.grantID)
    try actsForTheUser(ProcessRunner.product("modal"), scenario, variables, grantID: app.grantID)
    let create = try scenario.run(modal, ["secret", "create", "made-by-agent", "K=v"], variables)
    #expect(create.status == 0, "\(create.stderr)")

    // Signed by another key: refused as a wrong secret would be.
    var other = variables
    other["MODAL_OAUTH_JWT_KEY"] = try JWTSigningKey.generate(.rs256).privateKeyPEM
    let refused = try scenario.run(modal, ["secret", "list"], other)
    #expect(refused.status != 0 && refused.stderr.contains("OAuth authentication failed"), "\(refused.stderr)")
  }
}
