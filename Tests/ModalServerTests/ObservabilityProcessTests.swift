import Foundation
import Testing
import TestSupport

@testable import ModalServer

/// Real tools against real `modal-server` processes: Debian's Prometheus scrapes two replicas
/// and answers PromQL, `promtool` checks the page, and `grpcio-health-checking` (in
/// `$MODAL_TEST_VENV`) probes the gRPC health service while PostgreSQL stops and starts.
@Suite(.serialized) struct ObservabilityProcessTests {
  /// Starts a bootstrapped server in `folder` with `/metrics` on a free port; returns it and that port.
  private func server(in folder: TemporaryFolder, extra: [String] = []) throws -> (ModalServerProcess, Int) {
    let process = try ModalServerProcess(in: folder, extraArguments: ["--metrics-address", "127.0.0.1:0"] + extra)
    let port = try #require(Self.metricsPort { process.log }, "\(process.log)")
    return (process, port)
  }

  /// The port `/metrics` listens on, from a server's log. Its line comes after the listeners a
  /// start waits for, so it may appear a moment later: looked for during up to 10 seconds.
  private static func metricsPort(_ log: () -> String) -> Int? {
    let deadline = Date().addingTimeInterval(10)
    repeat {
      if let port = log().firstMatch(of: /metrics listening on 127\.0\.0\.1:(\d+)/).flatMap({ Int($0.1) }) { return port }
      Thread.sleep(forTimeInterval: 0.05)
    } while Date() < deadline
    return nil
  }

  private func fetch(_ url: String) throws -> (status: Int, body: String) {
    let output = try ProcessRunner.run("/usr/bin/curl", ["-s", "-w", "\n%{http_code}", url], environment: [:])
    var lines = output.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    let status = Int(lines.popLast() ?? "") ?? 0
    return (status, lines.joined(separator: "\n"))
  }

  @Test func prometheusScrapesTwoReplicasAndAnswersCallsByStatus() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus") else {
      Issue.record("Debian's prometheus is not installed (scripts/setup.sh --test installs it).")
      return
    }
    let folders = [TemporaryFolder(), TemporaryFolder()]
    let servers = try folders.map { try server(in: $0) }
    for (process, _) in servers {
      let hello = try modalServerCall(process, token: true)
      #expect(hello == 0)
      _ = try modalServerCall(process, token: false)
    }
    let page = try fetch("http://127.0.0.1:\(servers[0].1)/metrics")
    #expect(page.status == 200)
    let check = try ProcessRunner.run("/usr/bin/promtool", ["check", "metrics"], environment: [:], stdin: page.body)
    #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    #expect(!page.body.contains(servers[0].0.tokenID) && !page.body.contains("me@example.com"))

    let work = TemporaryFolder()
    let targets = servers.map { "\"127.0.0.1:\($0.1)\"" }.joined(separator: ", ")
    let config = work.write(
      "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: modal\n    static_configs:\n      - targets: [\(targets)]\n",
      to: "prometheus.yml")
    let webPort = try FreePort.find()
    let prometheus = Process()
    prometheus.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
    prometheus.arguments = [
      "--config.file=\(config)", "--storage.tsdb.path=\(work.path)/tsdb", "--web.listen-address=127.0.0.1:\(webPort)",
    ]
    prometheus.standardOutput = FileHandle.nullDevice
    prometheus.standardError = FileHandle.nullDevice
    try prometheus.run()
    defer {
      prometheus.terminate()
      prometheus.waitUntilExit()
    }
    let query = "sum%20by%20(code)%20(modal_server_grpc_calls_total)"
    var answer = ""
    for _ in 0..<60 {
      Thread.sleep(forTimeInterval: 0.5)
      answer = (try? fetch("http://127.0.0.1:\(webPort)/api/v1/query?query=\(query)").body) ?? ""
      // Both replicas' OK and UNAUTHENTICATED calls, summed by code.
      if answer.contains("\"code\":\"OK\""), answer.contains("\"code\":\"UNAUTHENTICATED\""),
        answer.contains("\"2\"]")
      {
        break
      }
    }
    let json = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any], "\(answer)")
    let data = try #require(json["data"] as? [String: Any])
    let results = try #require(data["result"] as? [[String: Any]])
    var byCode: [String: String] = [:]
    for result in results {
      let metric = try #require(result["metric"] as? [String: String])
      let value = try #require(result["value"] as? [Any])
      byCode[metric["code"] ?? ""] = value.last as? String
    }
    #expect(byCode["OK"] == "2" && byCode["UNAUTHENTICATED"] == "2", "\(answer)")
  }

  /// A PostgreSQL replica measures how late other processes' changes reach it (here a revocation
  /// committed by `modal-server token revoke`), and promtool accepts the histogram.
  @Test func changeEventLagIsMeasuredAndPromtoolAcceptsIt() throws {
    let set = try ReplicaSet(count: 1, extraArguments: ["--metrics-address", "127.0.0.1:0"])
    let replica = set.replicas[0]
    let port = try #require(Self.metricsPort { replica.log }, "\(replica.log)")
    let created = try set.command(["token", "create", "--workspace", "pyws", "--name", "lag", "--json"], on: 0)
    let token = try bootstrapCredentials(created.stdout)
    #expect(try set.command(["token", "revoke", token.id], on: 0).status == 0)
    func sample(_ name: String, in page: String) -> Double? {
      page.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
    }
    var page = ""
    for _ in 0..<100 {
      page = try fetch("http://127.0.0.1:\(port)/metrics").body
      if (sample("modal_server_change_event_lag_seconds_count", in: page) ?? 0) >= 1 { break }
      Thread.sleep(forTimeInterval: 0.05)
    }
    let count = try #require(sample("modal_server_change_event_lag_seconds_count", in: page), "\(page)")
    let sum = try #require(sample("modal_server_change_event_lag_seconds_sum", in: page))
    #expect(count >= 1, "\(page)")
    // Same host, loopback: well under a second each.
    #expect(sum / count < 1, "\(page)")
    let check = try ProcessRunner.run("/usr/bin/promtool", ["check", "metrics"], environment: [:], stdin: page)
    #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
  }

  /// `modal token info`-like call through Python: ClientHello with or without the token; returns
  /// the gRPC status code number.
  private func modalServerCall(_ server: ModalServerProcess, token: Bool) throws -> Int {
    let script = """
      import grpc, sys
      channel = grpc.insecure_channel(sys.argv[1])
      call = channel.unary_unary("/modal.client.ModalClient/ClientHello")
      metadata = [("x-modal-token-id", sys.argv[2]), ("x-modal-token-secret", sys.argv[3])] if sys.argv[2] else []
      try:
          call(b"", metadata=metadata, timeout=10)
          print(0)
      except grpc.RpcError as error:
          print(error.code().value[0])
      """
    let output = try python(
      script, ["127.0.0.1:\(server.port)", token ? server.tokenID : "", token ? server.tokenSecret : ""])
    return Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
  }

  private func python(_ script: String, _ arguments: [String]) throws -> String {
    let output = try ProcessRunner.run(
      ReferenceClient.venv + "/bin/python", ["-c", script] + arguments, environment: ["PATH": "/usr/bin:/bin"])
    guard output.status == 0 else { throw ServerError(.internal, "python failed: \(output.stderr)") }
    return output.stdout
  }

  @Test func grpcHealthProbeFollowsThePostgresCluster() throws {
    let cluster = try PostgresServer()
    defer { cluster.destroy() }
    let folder = TemporaryFolder()
    let process = ModalServerProcess(
      dataDirectory: folder.path + "/data", logPath: folder.path + "/server.log",
      extraArguments: ["--database", try cluster.newDatabase()])
    try process.start()
    defer { process.stop() }
    let probe = """
      import grpc, sys, time
      from grpc_health.v1 import health_pb2, health_pb2_grpc
      stub = health_pb2_grpc.HealthStub(grpc.insecure_channel(sys.argv[1]))
      want = health_pb2.HealthCheckResponse.ServingStatus.Value(sys.argv[2])
      status = None
      for _ in range(100):
          for service in ("", "modal.client.ModalClient"):
              status = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5).status
              if status != want: break
          if status == want: break
          time.sleep(0.2)
      print(health_pb2.HealthCheckResponse.ServingStatus.Name(status))
      """
    let address = "127.0.0.1:\(process.port)"
    let http = "http://127.0.0.1:\(process.httpPort)"
    #expect(try python(probe, [address, "SERVING"]).contains("SERVING"))
    #expect(try fetch(http + "/readyz").status == 200)
    cluster.stop()
    #expect(try python(probe, [address, "NOT_SERVING"]) == "NOT_SERVING\n")
    let notReady = try fetch(http + "/readyz")
    #expect(notReady.status == 503 && notReady.body == "not ready: the database does not answer\n")
    #expect(try fetch(http + "/healthz").body == "ok\n")
    try cluster.start()
    #expect(try python(probe, [address, "SERVING"]) == "SERVING\n")
    #expect(try fetch(http + "/readyz").status == 200)
  }
}
