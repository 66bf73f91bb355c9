import Foundation
import Modal
import RPC
import TestSupport
import Testing

/// The `token_secret_command` profile key: a secrets manager supplies the secret.
@Suite struct TokenSecretCommandTests {
  private func resolve(_ command: String, secret: String? = nil) async throws -> Credentials {
    let folder = TemporaryFolder()
    var text = "[work]\ntoken_id = \"ak-work\"\ntoken_secret_command = \"\(command)\"\nactive = true\n"
    if let secret { text += "token_secret = \"\(secret)\"\n" }
    folder.write(text)
    let config = try ModalConfig(host: folder.host(["PATH": "/usr/bin:/bin"]))
    return try await CredentialResolver(config: config).resolve()
  }

  private func failure(_ command: String) async -> ModalError? {
    do {
      _ = try await resolve(command)
      return nil
    } catch let error as ModalError {
      return error
    } catch {
      return nil
    }
  }

  @Test func firstLineOfTheOutputIsTheSecret() async throws {
    let credentials = try await resolve("printf 'as-from-manager-0001\\\\nsecond line\\\\n'")
    #expect(credentials.tokenID == "ak-work" && credentials.tokenSecret == "as-from-manager-0001")
    #expect(credentials.source == .profileCommand(name: "work", path: credentials.source.description.isEmpty ? "" : pathOf(credentials)))
    #expect(!credentials.description.contains("as-from-manager-0001"))
  }

  private func pathOf(_ credentials: Credentials) -> String {
    if case .profileCommand(_, let path) = credentials.source { return path }
    return ""
  }

  @Test func aStoredSecretWinsAndTheCommandIsNotRun() async throws {
    let credentials = try await resolve("exit 3", secret: "as-stored")
    #expect(credentials.tokenSecret == "as-stored")
  }

  @Test func failuresAreClearAndNeverShowTheOutput() async throws {
    let failed = try #require(await failure("echo as-leaked-secret; echo 'pass: no such entry' >&2; exit 1"))
    #expect(failed.code == .missingCredentials)
    #expect(failed.message.contains("failed with exit status 1") && failed.message.contains("pass: no such entry"))
    #expect(!failed.description.contains("as-leaked-secret"))
    let empty = try #require(await failure("printf '\\\\n'"))
    #expect(empty.message.contains("printed nothing"))
    #expect(empty.remedy?.contains("modal token set --profile work") == true)
  }

  /// Commands that fail with a secret in their error output, by name (the commands themselves are
  /// not test arguments, so the fixtures' secrets never reach the test log).
  private static let leakyCommands = [
    "an as- secret": "echo as-xjOm8d7FqLp02ZzYwVq1 >&2; exit 3",
    "a random-looking word": "echo 'gpg: wrong passphrase for Xk9fLm2QpR7sT4vW8yZa1B' >&2; exit 3",
    "the printed secret": "echo oW3nSeCrEt; echo 'got oW3nSeCrEt, expected more' >&2; exit 3",
  ]

  @Test(arguments: ["an as- secret", "a random-looking word", "the printed secret"])
  func errorOutputIsShownWithSecretsMasked(case name: String) async throws {
    let command = try #require(Self.leakyCommands[name])
    let failed = try #require(await failure(command))
    #expect(failed.message.contains("failed with exit status 3") && failed.message.contains("its error output"))
    for secret in ["xjOm8d7FqLp02ZzYwVq1", "Xk9fLm2QpR7sT4vW8yZa1B", "oW3nSeCrEt"] {
      #expect(!failed.description.contains(secret), "\(failed.description)")
    }
  }

  @Test func redactionKeepsOrdinaryText() async {
    #expect(SecretRedaction.redact("pass: modal/work is not in the password store.") == "pass: modal/work is not in the password store.")
    #expect(SecretRedaction.redact("bad as-ABCDEFGH12345678 here") == "bad as-****5678 here")
  }

  @Test func aSlowCommandIsStopped() async throws {
    let command = TokenSecretCommand(command: "sleep 30", timeout: .milliseconds(300))
    #expect(throws: ModalError.self) { try command.run(environment: ["PATH": "/usr/bin:/bin"], profile: "work") }
    do {
      _ = try command.run(environment: ["PATH": "/usr/bin:/bin"], profile: "work")
    } catch {
      #expect(error.message.contains("did not finish within"))
    }
  }
}

/// Programs started at the same time by different threads must not inherit each other's output
/// pipes: a quick command's output ended only when an unrelated `sleep` started beside it exited.
@Suite struct SubprocessPipeTests {
  @Test func concurrentProgramsDoNotHoldEachOthersOutputOpen() async throws {
    let environment = ["PATH": "/usr/bin:/bin"]
    let quickTimes = Locked<[Double]>([])
    let group = DispatchGroup()
    for index in 0..<40 {
      group.enter()
      Thread.detachNewThread {
        defer { group.leave() }
        if index % 5 == 0 {
          _ = Subprocess.run("sleep", ["3"], environment: environment)
        } else {
          let start = Date()
          let result = Subprocess.run("sh", ["-c", "echo quick"], environment: environment)
          #expect(result?.stdout == "quick\n")
          quickTimes.withLock { $0.append(Date().timeIntervalSince(start)) }
        }
      }
    }
    group.wait()
    let slowest = quickTimes.withLock { $0.max() ?? 0 }
    #expect(quickTimes.withLock { $0.count } == 32)
    #expect(slowest < 2.5, "a quick command took \(slowest) s: it waited for a sleep that held its pipe")
  }
}
