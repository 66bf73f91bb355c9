@testable import Modal
import TOML
import TestSupport
import Testing

/// Nothing the SDK prints, dumps or throws shows a token secret: not when values are printed or
/// dumped for debugging, not when the pair is swapped, not when the secret's value has the wrong
/// type in the file.
@Suite struct SecretsStayHiddenTests {
  private let secret = "as-Zx9QwErTy7UiOpAsDfGh"
  private let fileSecret = "as-Fl3LmNoPqRsTuVwXyZab"

  private func everything(_ value: Any) -> String {
    var dumped = ""
    dump(value, to: &dumped)
    return "\(value)\n\(String(reflecting: value))\n" + dumped
  }

  @Test func printingAndDumpingMaskSecrets() async throws {
    let folder = TemporaryFolder()
    folder.write("[main]\ntoken_id = \"ak-FILE1234567890\"\ntoken_secret = \"\(fileSecret)\"\n")
    let host = folder.host(["MODAL_TOKEN_SECRET_UNUSED": secret, "MODAL_PROFILE": "main"])
    let options = ModalClient.Options(
      tokenID: "ak-ARG12345678901", tokenSecret: secret, serverURL: "http://127.0.0.1:1", host: host)
    let client = try ModalClient(options: options)
    let config = try ModalConfig(host: host)
    let token = TokenFlow.Token(tokenID: "ak-NEW", tokenSecret: secret, workspace: "w")
    let credentials = try await client.credentials()
    let provider = AnyCredentialProvider.static(tokenID: "ak-ARG12345678901", tokenSecret: secret)
    let chain = AnyCredentialProvider.chain([provider, .environment])
    for value in [options, client, credentials, config, config.file, host, token, provider, chain] as [Any] {
      let text = everything(value)
      #expect(!text.contains(secret) && !text.contains(fileSecret), "\(text)")
    }
    #expect(everything(credentials).contains("as-****"))
    #expect(everything(options).contains("ak-ARG12345678901"))
    #expect(everything(config.file).contains("main"))
  }

  @Test func aSwappedPairIsShownMasked() throws {
    let credentials = Credentials(tokenID: secret, tokenSecret: "ak-ID1234567890", source: .environment)
    #expect(!credentials.description.contains(secret))
    #expect(credentials.shownTokenID == Credentials.mask(secret))
    #expect(Credentials(tokenID: "ak-ID1234567890", tokenSecret: secret, source: .arguments).shownTokenID == "ak-ID1234567890")
  }

  @Test(arguments: ["[\"SECRET\"]", "{ value = \"SECRET\" }", "1234567890123456"])
  func aSecretOfTheWrongTypeIsNotEchoed(value: String) throws {
    let folder = TemporaryFolder()
    let shown = value.replacing("SECRET", with: fileSecret)
    folder.write("[main]\ntoken_id = \"ak-FILE1234567890\"\ntoken_secret = \(shown)\n")
    do {
      _ = try ModalConfig(host: folder.host())
      Issue.record("accepted token_secret = \(value)")
    } catch {
      #expect(error.code == .invalidConfig)
      #expect(error.message.contains("'token_secret' in profile 'main' must be a string in quotes, not a"), "\(error.message)")
      #expect(!error.message.contains(fileSecret) && !error.message.contains("1234567890123456"), "\(error.message)")
    }
  }
}
