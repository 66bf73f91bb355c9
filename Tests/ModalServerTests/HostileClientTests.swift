import Foundation
#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif
import ModalAPI
import ModalServer
import ProtoWire
import RPC
import Testing
import TestSupport

/// Hostile clients against a real `modal-server serve` on loopback: each case is bounded in time
/// (a hold of seconds) and in memory (the server's resident size is asserted).
@Suite(.serialized) struct HostileClientTests {
  /// A served data folder with an owner token, and the hostile script on disk.
  final class Target {
    let folder = TemporaryFolder()
    let server: ModalServerProcess
    let owner: Credentials
    let script: String

    init(arguments: [String] = []) throws {
      let data = folder.path + "/data"
      let boot = try runServerCommand(["bootstrap", "--data-dir", data, "--email", "h@example.com", "--workspace", "hostile", "--json"])
      guard boot.status == 0 else { throw ServerError(.internal, "bootstrap failed: \(boot.stderr)") }
      owner = try bootstrapCredentials(boot.stdout)
      script = folder.path + "/hostile.py"
      try hostileClientScript.write(toFile: script, atomically: true, encoding: .utf8)
      server = ModalServerProcess(dataDirectory: data, logPath: folder.path + "/serve.log", extraArguments: arguments)
      try server.start()
    }

    /// Starts the script (`mode` and its numbers); its standard error goes to a file read by `waitFor`.
    func hostile(_ mode: String, port: Int, _ numbers: [Int]) throws -> (Process, Pipe, String) {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: ReferenceClient.venv + "/bin/python")
      process.arguments = [script, mode, "127.0.0.1", String(port)] + numbers.map(String.init)
      let output = Pipe()
      let errorPath = folder.path + "/\(mode).err"
      _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
      process.standardOutput = output
      process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
      try process.run()
      return (process, output, errorPath)
    }

    /// Waits (at most `seconds`) until the file at `path` contains `text`.
    func waitFor(_ text: String, in path: String, seconds: Double = 30) -> Bool {
      let end = Date().addingTimeInterval(seconds)
      while Date() < end {
        if let content = try? String(contentsOfFile: path, encoding: .utf8), content.contains(text) { return true }
        Thread.sleep(forTimeInterval: 0.05)
      }
      return false
    }

    /// The server's resident memory in bytes.
    var residentBytes: Int {
      let status = (try? String(contentsOfFile: "/proc/\(server.processIdentifier)/status", encoding: .utf8)) ?? ""
      let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
      return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    /// How long one authenticated ClientHello takes on a fresh connection.
    func timedClientHello() async throws -> Duration {
      let channel = try Channel(url: server.url)
      let metadata: Metadata = ["x-modal-token-id": owner.id, "x-modal-token-secret": owner.secret]
      let started = ContinuousClock.now
      _ = try await channel.unary(path: ModalClientMethods.clientHello.path, request: [], metadata: metadata)
      return ContinuousClock.now - started
    }

    /// The JSON summary the script printed last.
    static func summary(_ process: Process, _ output: Pipe) throws -> [String: Int] {
      let data = output.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Int])
    }
  }

  /// 8 connections x 250 streams, each announcing a 4,000,000-byte message and never finishing it.
  @Test(.timeLimit(.minutes(1))) func streamFloodStaysUnder200MBAndAValidClientIsServed() async throws {
    let target = try Target()
    _ = try await target.timedClientHello()  // warm: the first call opens the store's statements
    let (process, output, errors) = try target.hostile("flood", port: target.server.port, [8, 250, 4_000_000, 8])
    #expect(target.waitFor("flooding", in: errors))
    var peak = target.residentBytes
    var slowest = Duration.zero
    for _ in 0..<10 {
      slowest = max(slowest, try await target.timedClientHello())
      peak = max(peak, target.residentBytes)
      try await Task.sleep(for: .milliseconds(300))
    }
    let stats = try Target.summary(process, output)
    peak = max(peak, target.residentBytes)
    #expect(peak < 200 * 1024 * 1024, "resident \(peak / 1024 / 1024) MB")
    #expect(slowest < .milliseconds(500), "slowest ClientHello \(slowest)")
    #expect(stats["max_concurrent_streams_announced"] == 100)
    // Streams past the limit were refused, not buffered.
    #expect((stats["reset_streams"] ?? 0) + (stats["connections_closed"] ?? 0) > 0, "\(stats)")
  }

  /// Calls that break the gRPC spec: more than one message in a unary call is INVALID_ARGUMENT, none
  /// is INTERNAL, an unknown method UNIMPLEMENTED, each refused before a handler ran and logged
  /// (one line per 10 s). libgrpc 1.51 drops `content-type` and the compressed flag (without
  /// `grpc-encoding`) before the application sees them: those calls reach the handler, which asks
  /// for a token (UNAUTHENTICATED, 16).
  @Test(.timeLimit(.minutes(1))) func specBreakingCallsAreRefusedAndLogged() async throws {
    let target = try Target()
    let (process, output, _) = try target.hostile("spec", port: target.server.port, [])
    let answers = try Self.statuses(process, output)
    #expect(answers["one message"] == "16")
    #expect(answers["two messages"] == "3")
    #expect(answers["no message"] == "13" && answers["half a message"] == "13")
    #expect(answers["unknown method"] == "12")
    #expect(answers["text/plain"] == "16" && answers["compressed flag without grpc-encoding"] == "16")
    let refused = target.server.log.split(separator: "\n").filter { $0.contains(" grpc refused ") }
    #expect(refused.count == 1, "rate-limited: \(refused)")
    #expect(refused.first?.contains("INVALID_ARGUMENT") == true && refused.first?.contains("reason=\"more than one request message\"") == true)
  }

  /// The status (or "reset", "closed") the script printed for each case.
  static func statuses(_ process: Process, _ output: Pipe) throws -> [String: String] {
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
  }

  /// A 1 MiB metadata value is refused with RESOURCE_EXHAUSTED (8 KiB is the limit).
  @Test(.timeLimit(.minutes(1))) func oversizedMetadataIsRefused() async throws {
    let target = try Target()
    let channel = try Channel(url: target.server.url)
    let metadata: Metadata = [
      "x-modal-token-id": target.owner.id, "x-modal-token-secret": target.owner.secret,
      "x-junk": String(repeating: "a", count: 1 << 20),
    ]
    let error = await rpcError { try await channel.unary(path: ModalClientMethods.clientHello.path, request: [], metadata: metadata) }
    #expect(error?.code == .resourceExhausted)
    // The core may close the connection that carried it; the next call gets a new one.
    var served = false
    for _ in 0..<20 where !served {
      served = (try? await target.timedClientHello()) != nil
      if !served { try await Task.sleep(for: .milliseconds(100)) }
    }
    #expect(served)
  }

  /// 300 sockets from 127.0.0.2 ... 127.0.0.21 that send a request head one byte a second: each is
  /// closed at the head deadline however often it sends, and a new client is then served.
  @Test(.timeLimit(.minutes(1))) func slowlorisOnTheDashboardLeavesANewClientServed() async throws {
    let target = try Target(arguments: ["--http-header-timeout", "2"])
    let (process, output, errors) = try target.hostile("http", port: target.server.httpPort, [300, 20, 8])
    #expect(target.waitFor("holding", in: errors))
    var served = false
    let end = ContinuousClock.now + .seconds(6)
    while !served && ContinuousClock.now < end {
      served = (try? await Self.dashboardStatus(target.server.httpURL + "/login")) == 200
      if !served { try await Task.sleep(for: .milliseconds(200)) }
    }
    #expect(served)
    let stats = try Target.summary(process, output)
    #expect((stats["closed_by_server"] ?? 0) >= 200, "\(stats)")
    #expect(target.server.log.contains("that sent no complete request head within 2 s"))
  }

  /// The same against the gRPC listener (an HTTP/2 preface sent a byte a second): a new client is
  /// served at once.
  @Test(.timeLimit(.minutes(1))) func slowlorisOnTheGRPCListenerLeavesANewClientServed() async throws {
    let target = try Target()
    let (process, output, errors) = try target.hostile("grpc", port: target.server.port, [300, 20, 4])
    #expect(target.waitFor("holding", in: errors))
    let elapsed = try await target.timedClientHello()
    #expect(elapsed < .milliseconds(500), "ClientHello took \(elapsed)")
    let stats = try Target.summary(process, output)
    #expect(stats["opened"] == 300, "\(stats)")
  }

  /// The status of a GET on the dashboard (a fresh connection, 2 s timeout).
  static func dashboardStatus(_ url: String) async throws -> Int {
    var request = URLRequest(url: try #require(URL(string: url)), timeoutInterval: 2)
    request.setValue("close", forHTTPHeaderField: "Connection")
    let (_, response) = try await URLSession(configuration: .ephemeral).data(for: request)
    return (response as? HTTPURLResponse)?.statusCode ?? 0
  }
}
