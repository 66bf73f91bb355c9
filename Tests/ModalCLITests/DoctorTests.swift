import Foundation
import Modal
import TestSupport
import Testing

/// `modal doctor`: the fix of every finding must fit the finding, be safe to paste, and show no secret.
@Suite struct DoctorTests {
  /// Runs `modal doctor --json` and returns the findings by check id, and the whole output.
  private func doctor(_ harness: CLIHarness) async throws -> (findings: [String: [String: Any]], out: String) {
    let result = await harness.run(["doctor", "--json"])
    let parsed = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any], "\(result.out)\(result.err)")
    let findings = try #require(parsed["findings"] as? [[String: Any]])
    var byCheck: [String: [String: Any]] = [:]
    for finding in findings { byCheck[finding["check"] as? String ?? ""] = finding }
    return (byCheck, result.out + result.err)
  }

  private func sh(_ command: String, in folder: String? = nil) -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try? process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }

  @Test func aPasswordInTheServerURLIsRefusedAndNeverShown() async throws {
    var harness = CLIHarness()
    harness.variables = ["MODAL_SERVER_URL": "http://user:hunter2pw@127.0.0.1:1", "PATH": "/usr/bin:/bin"]
    let (findings, out) = try await doctor(harness)
    #expect(!out.contains("hunter2pw"), "\(out)")
    #expect(findings["server.url"]?["status"] as? String == "problem")
    #expect((findings["server.url"]?["message"] as? String)?.contains("are not supported") == true)
    #expect(findings["server.dns"] == nil)
  }

  @Test(arguments: ["folder", "loop"])
  func aConfigThatCannotBeReadGetsAFixThatFits(kind: String) async throws {
    var harness = CLIHarness()
    let path = harness.folder.value.path + "/config.toml"
    if kind == "folder" {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } else {
      try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: path)
    }
    harness.variables = ["MODAL_CONFIG_PATH": path, "PATH": "/usr/bin:/bin"]
    let (findings, _) = try await doctor(harness)
    let fix = try #require(findings["config.parse"]?["fix"] as? String)
    #expect(!fix.contains("line named above"), "\(fix)")
    #expect(fix.contains(kind == "folder" ? "Point MODAL_CONFIG_PATH at a regular file" : "symbolic link loop"), "\(fix)")
  }

  @Test func fixCommandsQuotePathsWithSpacesAndQuotes() async throws {
    var harness = CLIHarness()
    let folder = harness.folder.value.path + "/we ird"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = folder + "/it's.toml"
    try Data("[p]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nactive = true\n".utf8).write(to: URL(fileURLWithPath: path))
    chmod(path, 0o644)
    #expect(sh("git init -q .", in: folder) == 0)
    harness.variables = ["MODAL_CONFIG_PATH": path, "MODAL_SERVER_URL": "http://127.0.0.1:1", "PATH": "/usr/bin:/bin"]
    let (findings, _) = try await doctor(harness)
    let chmodFix = try #require(findings["config.mode"]?["fix"] as? String)
    #expect(chmodFix == "chmod 600 '\(folder)/it'\\''s.toml'")
    let ignoreFix = try #require(findings["config.git"]?["fix"] as? String)
    #expect(ignoreFix == "echo '/it'\\''s.toml' >> '\(folder)/.gitignore'")
    // Pasted into a shell, the fixes do what they say.
    #expect(sh(chmodFix) == 0 && sh(ignoreFix) == 0)
    #expect(sh("git check-ignore -q -- \"it's.toml\"", in: folder) == 0)
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
  }

  @Test func aConfigFileThatIsOnlyStagedIsCalledStaged() async throws {
    var harness = CLIHarness()
    let path = harness.folder.value.write("[p]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nactive = true\n", to: "modal.toml")
    #expect(sh("git init -q . && git add modal.toml", in: harness.folder.value.path) == 0)
    harness.variables = ["MODAL_CONFIG_PATH": path, "MODAL_SERVER_URL": "http://127.0.0.1:1", "PATH": "/usr/bin:/bin"]
    let (findings, _) = try await doctor(harness)
    let message = try #require(findings["config.git"]?["message"] as? String)
    #expect(message.contains("staged") && !message.contains("history"), "\(message)")
    #expect((findings["config.git"]?["fix"] as? String)?.contains("git -C") == true)
  }

  @Test func anHTTP1PortIsNamedAsSuch() async throws {
    let server = try HTTP1Responder()
    var harness = CLIHarness()
    harness.variables = [
      "MODAL_SERVER_URL": "http://127.0.0.1:\(server.port)", "MODAL_TOKEN_ID": "ak-1", "MODAL_TOKEN_SECRET": "as-1",
      "PATH": "/usr/bin:/bin",
    ]
    let (findings, _) = try await doctor(harness)
    let grpc = try #require(findings["server.grpc"])
    #expect((grpc["message"] as? String)?.contains("answered with HTTP/1.1") == true, "\(grpc)")
    #expect((grpc["fix"] as? String)?.hasPrefix("This port speaks HTTP/1.1: it is probably a web or dashboard port") == true, "\(grpc)")
  }
}

/// A listener on 127.0.0.1 that answers every connection with an HTTP/1.1 error, as a web port does.
final class HTTP1Responder: @unchecked Sendable {
  let port: Int
  private let socketFD: Int32

  init() throws {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    socketFD = fd
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    guard bound == 0, listen(fd, 16) == 0 else { throw CocoaError(.fileWriteUnknown) }
    withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
    }
    port = Int(UInt16(bigEndian: address.sin_port))
    Thread.detachNewThread {
      while true {
        let client = accept(fd, nil, nil)
        if client < 0 { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        _ = read(client, &buffer, buffer.count)
        let reply = Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
        _ = write(client, reply, reply.count)
        close(client)
      }
    }
  }

  deinit { shutdown(socketFD, Int32(SHUT_RDWR)); close(socketFD) }
}

/// A token id and secret swapped (in a profile, or in the environment) must not print the secret:
/// `doctor` in both formats, `config show` and errors mask anything shaped like a token secret.
@Suite struct SwappedCredentialsTests {
  static let secret = "as-Qw3rtyUiop4sdfGhjk5zxcV"
  static let id = "ak-Abcdefghij0123456789KL"

  private static func harness(swappedIn place: String) -> CLIHarness {
    var harness = CLIHarness()
    var variables = ["MODAL_SERVER_URL": "http://127.0.0.1:1", "PATH": "/usr/bin:/bin"]
    if place == "profile" {
      let path = harness.folder.value.write(
        "[default]\ntoken_id = \"\(secret)\"\ntoken_secret = \"\(id)\"\n", to: "modal.toml")
      variables["MODAL_CONFIG_PATH"] = path
    } else {
      variables["MODAL_CONFIG_PATH"] = harness.folder.value.path + "/none.toml"
      variables["MODAL_TOKEN_ID"] = secret
      variables["MODAL_TOKEN_SECRET"] = id
    }
    harness.variables = variables
    return harness
  }

  @Test(arguments: ["profile", "environment"]) func doctorMasksItInTextAndJSON(place: String) async throws {
    let harness = Self.harness(swappedIn: place)
    for arguments in [["doctor"], ["doctor", "--json"]] {
      let result = await harness.run(arguments)
      let output = result.out + result.err
      #expect(!output.contains(Self.secret), "\(arguments): \(output)")
      #expect(output.contains("as-****zxcV"), "\(output)")
    }
  }

  @Test func configShowMasksItUnlessAskedNotTo() async throws {
    let harness = Self.harness(swappedIn: "environment")
    let shown = await harness.run(["config", "show"])
    #expect(!shown.out.contains(Self.secret) && shown.out.contains("\"token_id\": \"as-****zxcV\""), "\(shown.out)")
    #expect(await harness.run(["config", "show", "--no-redact"]).out.contains(Self.secret))
  }

  /// A secret pasted where a name goes comes back in the error, masked.
  @Test func errorsMaskIt() async throws {
    let harness = Self.harness(swappedIn: "profile")
    let result = await harness.run(["profile", "activate", Self.secret])
    #expect(result.code == 1 && !result.err.contains(Self.secret) && result.err.contains("'as-****zxcV'"), "\(result.err)")
  }

  @Test func onlyTokenSecretShapedWordsAreMasked() {
    #expect(SecretRedaction.maskTokenSecrets("id \(Self.id), secret \(Self.secret).") == "id \(Self.id), secret as-****zxcV.")
    #expect(SecretRedaction.maskTokenSecrets("has-a-dash as- alias-x as-****zxcV") == "has-a-dash as- alias-x as-****zxcV")
  }
}

/// `modal doctor` names temporary files a killed config write left, with the command that removes them.
@Suite struct LeftoverTemporaryFileTests {
  @Test func doctorReportsOneInBothFormats() async throws {
    var harness = CLIHarness()
    let path = harness.folder.value.write("[p]\ntoken_id = \"ak-1\"\ntoken_secret = \"as-1\"\nactive = true\n", to: "modal.toml")
    chmod(path, 0o600)
    let leftover = path + ".tmp-Qx81zP"
    _ = FileManager.default.createFile(atPath: leftover, contents: Data("token_secret = \"as-1\"\n".utf8))
    harness.variables = ["MODAL_CONFIG_PATH": path, "MODAL_SERVER_URL": "http://127.0.0.1:1", "PATH": "/usr/bin:/bin"]
    let json = await harness.run(["doctor", "--json"])
    let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
    let findings = try #require(parsed["findings"] as? [[String: Any]])
    let finding = try #require(findings.first { $0["check"] as? String == "config.temporary" })
    #expect(finding["status"] as? String == "warning")
    #expect((finding["message"] as? String)?.contains("A temporary file left by an interrupted write") == true)
    #expect((finding["fix"] as? String)?.hasPrefix("rm -- \(leftover) ") == true, "\(finding)")
    let text = await harness.run(["doctor"])
    #expect(text.out.contains("Fix: rm -- \(leftover)"), "\(text.out)")
    // Any write removes it, and doctor no longer mentions it.
    #expect(await harness.run(["profile", "activate", "p"]).code == 0)
    #expect(!FileManager.default.fileExists(atPath: leftover))
    #expect(!(await harness.run(["doctor"])).out.contains("temporary file"))
  }
}
