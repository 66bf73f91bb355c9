import Foundation
import ModalJOSE
import Testing
import TestSupport

/// Workload identity federation end to end with real processes: a policy made with
/// `modal-server federation add`, an OIDC token (keys made here) exchanged with curl at the served
/// `/oauth/token`, and the minted pair used by the real Python 1.6.4 client.
@Suite(.serialized) struct FederationProcessTests {
  static let issuer = "https://ci.example.test"

  private struct Scene {
    let folder = TemporaryFolder()
    let server: ModalServerProcess
    let signer: JWTSigningKey

    init(extraArguments: [String] = []) throws {
      server = try ModalServerProcess(in: folder, extraArguments: extraArguments)
      signer = try JWTSigningKey.generate(.es256)
    }

    /// `modal-server federation add` for workspace `me` with `keys` (`--jwks-file F` by default).
    func addPolicy(_ keys: [String]? = nil, name: String = "ci") throws {
      let file = folder.path + "/jwks.json"
      try JSONWebKeySet(keys: [signer.publicKey]).jsonObject.serialized.write(toFile: file, atomically: true, encoding: .utf8)
      let added = try ModalServerProcess.command([
        "federation", "add", "--data-dir", server.dataDirectory, "--workspace", "me", "--name", name, "--issuer",
        FederationProcessTests.issuer, "--audience", "modal-me", "--claim", "repository=acme/*", "--scopes", "read",
        "--ttl", "10m", "--json",
      ] + (keys ?? ["--jwks-file", file]))
      #expect(added.status == 0, "\(added.stderr)")
    }

    func token(key: JWTSigningKey? = nil, lifetime: Int = 300) throws -> String {
      let key = key ?? signer
      let now = Int(Date().timeIntervalSince1970)
      return try key.sign(
        header: ["kid": .string(key.publicKey.keyID ?? "")],
        claims: [
          "iss": .string(FederationProcessTests.issuer), "aud": .string("modal-me"), "sub": .string("repo:acme/app:ref:refs/heads/main"),
          "repository": .string("acme/app"), "exp": .number(Double(now + lifetime)), "iat": .number(Double(now)),
          "jti": .string(UUID().uuidString),
        ])
    }

    /// `curl` POSTing the exchange for `token` (read from a file, never on the command line): status and JSON.
    func curlExchange(_ token: String) throws -> (status: Int, json: [String: Any]) {
      let file = folder.path + "/oidc-token"
      try token.write(toFile: file, atomically: true, encoding: .utf8)
      let output = try ProcessRunner.run(
        "/usr/bin/curl",
        [
          "-sS", "--max-time", "20", "-o", folder.path + "/reply.json", "-w", "%{http_code}",
          "--data-urlencode", "grant_type=urn:ietf:params:oauth:grant-type:token-exchange",
          "--data-urlencode", "subject_token_type=urn:ietf:params:oauth:token-type:id_token",
          "--data-urlencode", "subject_token@" + file, server.httpURL + "/oauth/token",
        ],
        environment: ["PATH": "/usr/bin:/bin"], stdin: "")
      let body = FileManager.default.contents(atPath: folder.path + "/reply.json") ?? Data()
      let json = (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
      return (Int(output.stdout) ?? 0, json)
    }

    func python(_ modal: String, _ arguments: [String], id: String, secret: String) throws -> ProcessOutput {
      try ProcessRunner.run(
        modal, arguments,
        environment: [
          "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": folder.path,
          "MODAL_SERVER_URL": server.url, "MODAL_CONFIG_PATH": folder.path + "/modal.toml", "MODAL_TOKEN_ID": id,
          "MODAL_TOKEN_SECRET": secret, "COLUMNS": "400", "TERM": "dumb", "NO_COLOR": "1", "TZ": "UTC",
        ], stdin: "")
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

  @Test func curlExchangesAndPythonUsesTheMintedPair() throws {
    guard let modal = modal() else { return }
    let scene = try Scene()
    defer { _ = scene.server.stop(.terminate) }
    try scene.addPolicy()

    let token = try scene.token()
    let reply = try scene.curlExchange(token)
    #expect(reply.status == 200, "\(reply.json) \(scene.server.log.suffix(2000))")
    let id = try #require(reply.json["token_id"] as? String)
    let secret = try #require(reply.json["token_secret"] as? String)
    #expect(reply.json["expires_in"] as? Int == 600 && reply.json["workspace"] as? String == "me")

    let info = try scene.python(modal, ["token", "info"], id: id, secret: secret)
    #expect(info.status == 0, "\(info.stderr)")
    #expect(info.stdout.contains("Token: \(id)") && info.stdout.contains("oidc-ci"), "\(info.stdout)")
    let secrets = try scene.python(modal, ["secret", "list"], id: id, secret: secret)
    #expect(secrets.status == 0, "\(secrets.stderr)")

    // The same token again, an expired one, and one after the policy is removed: refused by curl too.
    let replay = try scene.curlExchange(token)
    #expect(replay.status == 400 && replay.json["error"] as? String == "invalid_grant", "\(replay.json)")
    let expired = try scene.curlExchange(try scene.token(lifetime: -120))
    #expect((expired.json["error_description"] as? String)?.contains("expired") == true, "\(expired.json)")
    let removed = try ModalServerProcess.command(
      ["federation", "remove", "--data-dir", scene.server.dataDirectory, "--workspace", "me", "--name", "ci"])
    #expect(removed.status == 0, "\(removed.stderr)")
    let after = try scene.curlExchange(try scene.token())
    #expect(after.json["error"] as? String == "invalid_grant", "\(after.json)")
    // The tokens it minted are revoked at once on the running server.
    let revoked = try scene.python(modal, ["token", "info"], id: id, secret: secret)
    #expect(revoked.status != 0, "\(revoked.stdout)")
    #expect(!scene.server.log.contains(token.suffix(30)), "the token is never logged")
  }
}
