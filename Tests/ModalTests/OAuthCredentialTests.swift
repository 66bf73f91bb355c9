import Foundation
import Modal
import ModalJOSE
import TOML
import TestSupport
import Testing

/// OAuth credentials in the SDK: Python modal 1.6.4's validation and texts (compared with the
/// reference client's `_Client.from_env` on the same variables), the headers, the assertion.
@Suite struct OAuthCredentialTests {
  private static let rsaKey = try! JWTSigningKey.generate(.rs256)

  private func resolve(_ variables: [String: String], file: String? = nil) async throws(ModalError) -> Credentials {
    let folder = TemporaryFolder()
    if let file { folder.write(file) }
    let config: ModalConfig
    do { config = try ModalConfig(host: folder.host(variables)) } catch { throw error }
    return try await CredentialResolver(config: config).resolve()
  }

  /// What Python's `_Client.from_env()` says for `variables`: `ok` or `<Error>: <text>`.
  private func python(_ variables: [String: String]) throws -> String {
    guard case .success(let modal) = ReferenceClient.executable() else {
      Issue.record("the reference client is missing (set MODAL_TEST_VENV)")
      return ""
    }
    let python = URL(fileURLWithPath: modal).deletingLastPathComponent().appendingPathComponent("python").path
    let script = """
      import asyncio
      from modal.client import _Client
      # Python's _open connects; keep only the part of it that checks the JWT key, so valid
      # settings answer "ok" without a server.
      async def _open(self):
          if self._oauth_credentials and self._oauth_credentials.jwt_key:
              from modal._utils.oauth import OAuthAssertionProvider
              OAuthAssertionProvider(self._oauth_credentials.client_id, self._oauth_credentials.jwt_key)
      _Client._open = _open
      async def main():
          try:
              await _Client.from_env()
              print("ok")
          except Exception as error:
              print(str(error))
      asyncio.run(main())
      """
    let folder = TemporaryFolder()
    var environment = ["PATH": "/usr/bin:/bin", "HOME": folder.path, "MODAL_SERVER_URL": "http://127.0.0.1:9"]
    environment.merge(variables) { _, new in new }
    let output = try ProcessRunner.run(python, ["-c", script], environment: environment)
    return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  @Test func validationMatchesPython() async throws {
    let base = ["MODAL_OAUTH_REFRESH_TOKEN": "or-refresh", "MODAL_OAUTH_CLIENT_ID": "oc-client"]
    let scenarios: [[String: String]] = [
      base.merging(["MODAL_TOKEN_ID": "ak-x"]) { $1 },
      base.merging(["MODAL_TOKEN_SECRET": "as-x", "MODAL_OAUTH_CLIENT_SECRET": "ov-s"]) { $1 },
      ["MODAL_OAUTH_REFRESH_TOKEN": "or-refresh"],
      ["MODAL_OAUTH_CLIENT_SECRET": "ov-s"],
      base,
      base.merging(["MODAL_OAUTH_CLIENT_SECRET": "ov-s", "MODAL_OAUTH_JWT_KEY": Self.rsaKey.privateKeyPEM]) { $1 },
      base.merging(["MODAL_OAUTH_JWT_KEY": "not a key"]) { $1 },
      base.merging(["MODAL_OAUTH_CLIENT_SECRET": "ov-s"]) { $1 },
      base.merging(["MODAL_OAUTH_JWT_KEY": Self.rsaKey.privateKeyPEM]) { $1 },
      base.merging(["MODAL_OAUTH_JWT_KEY": Self.rsaKey.privateKeyPEM.replacingOccurrences(of: "\n", with: "\\n")]) { $1 },
    ]
    for variables in scenarios {
      let theirs = try python(variables)
      let ours: String
      do {
        _ = try await resolve(variables)
        ours = "ok"
      } catch {
        ours = error.message
      }
      #expect(ours == theirs, "\(variables.keys.sorted())")
    }
  }

  @Test func aProfileCanHoldOAuthSettingsAndTheyNameTheirSource() async throws {
    let file = """
      [agent]
      oauth_refresh_token = "or-refresh-token-value"
      oauth_client_id = "oc-client"
      oauth_client_secret = "ov-client-secret-value"
      active = true
      """
    let credentials = try await resolve([:], file: file)
    let oauth = try #require(credentials.oauth)
    #expect(oauth.clientID == "oc-client" && oauth.clientAuthentication == .secret("ov-client-secret-value"))
    #expect(credentials.tokenID.isEmpty && credentials.tokenSecret.isEmpty)
    #expect(credentials.description.contains("profile 'agent'") && credentials.description.contains("oc-client"))
    #expect(!credentials.description.contains("or-refresh-token-value") && !credentials.description.contains("ov-client-secret-value"))
    let headers = Dictionary(uniqueKeysWithValues: oauth.headers)
    #expect(headers == [
      "x-modal-refresh-token": "or-refresh-token-value", "x-modal-oauth-client-id": "oc-client",
      "x-modal-oauth-client-secret": "ov-client-secret-value",
    ])
  }

  /// The assertion as Python mints it: RS256, kid the key's thumbprint, iss = sub = client id,
  /// aud modal-server, 5 minutes, a new jti each time; it verifies with the public key.
  @Test func assertionsAreMintedAsPythonMintsThem() throws {
    let minter = try OAuthAssertionMinter(clientID: "oc-client", privateKeyPEM: Self.rsaKey.privateKeyPEM)
    let first = try JSONWebToken(compact: try #require(minter.mint(now: 1_000_000)))
    let second = try JSONWebToken(compact: try #require(minter.mint(now: 1_000_000)))
    #expect(first.algorithm == .rs256 && first.isSigned(by: Self.rsaKey.publicKey))
    #expect(first.keyID == Self.rsaKey.publicKey.thumbprint)
    let claims = first.claims
    #expect(claims.issuer == "oc-client" && claims.subject == "oc-client" && claims.audiences == ["modal-server"])
    #expect(claims.issuedAt == 1_000_000 && claims.expiresAt == 1_000_300)
    #expect(claims.id != nil && claims.id != second.claims.id)
  }
}
