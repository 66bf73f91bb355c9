import Foundation
import ModalAPI
import ProtoWire
import RPC
import Testing
import TestSupport

@testable import ModalServer

/// Health, metrics and JSON logs, in process: the parts `ObservabilityProcessTests` cannot see
/// one by one.
@Suite struct ObservabilityTests {
  @Test func callsAreCountedByMethodAndCodeWithoutTokenIDs() async throws {
    let harness = try await Harness.start()
    defer { Task { await harness.stop() } }
    _ = try await harness.call(ModalClientMethods.tokenInfoGet, TokenInfoGetRequest(), as: harness.owner)
    let wrong = Credentials(id: harness.owner.id, secret: "as-" + String(repeating: "x", count: 24))
    _ = await rpcError { try await harness.call(ModalClientMethods.tokenInfoGet, TokenInfoGetRequest(), as: wrong) }
    _ = await rpcError { try await harness.call(ModalClientMethods.tokenInfoGet, TokenInfoGetRequest(), as: nil) }
    let page = MetricsPage.render(harness.backend.dependencies.metrics, store: harness.store.statistics)
    let method = ModalClientMethods.tokenInfoGet.path
    #expect(page.contains("modal_server_grpc_calls_total{method=\"\(method)\",code=\"OK\"} 1\n"))
    #expect(page.contains("modal_server_grpc_calls_total{method=\"\(method)\",code=\"UNAUTHENTICATED\"} 2\n"))
    #expect(page.contains("modal_server_grpc_call_duration_seconds_count{method=\"\(method)\"} 3\n"))
    #expect(page.contains("modal_server_authentications_total{reason=\"ok\"} 1\n"))
    #expect(page.contains("modal_server_authentications_total{reason=\"invalid\"} 1\n"))
    #expect(page.contains("modal_server_authentications_total{reason=\"missing\"} 1\n"))
    #expect(page.contains("modal_server_store_operation_duration_seconds_count "))
    #expect(!page.contains(harness.owner.id) && !page.contains("owner@example.com") && !page.contains("acme"))
  }

  @Test func labelValuesAreEscapedAndNumbersWhole() {
    var text = PrometheusText()
    text.sample("m", [("l", "a\"b\\c\nd")], UInt64(3))
    text.sample("n", [], 0.25)
    #expect(text.text == "m{l=\"a\\\"b\\\\c\\nd\"} 3\nn 0.25\n")
  }

  @Test func jsonLogLinesParseAndHoldNoSecret() async throws {
    let harness = try await Harness.start()
    defer { Task { await harness.stop() } }
    var metadata = harness.owner.metadata
    metadata.add("x-request-id", "abc-123")
    _ = try await harness.channel.unary(
      path: ModalClientMethods.tokenInfoGet.path, request: TokenInfoGetRequest().serializedBytes(), metadata: metadata)
    _ = try await harness.call(ModalClientMethods.tokenInfoGet, TokenInfoGetRequest(), as: harness.owner)
    var lines: [String] = []
    for _ in 0..<100 where lines.count < 2 {
      lines = harness.log.jsonLines
      try await Task.sleep(for: .milliseconds(10))
    }
    #expect(lines.count == 2)
    var ids: [String] = []
    for line in lines {
      #expect(!line.contains(harness.owner.secret) && !line.contains("\n"))
      let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      #expect(object["event"] as? String == "grpc" && object["level"] as? String == "info" && object["time"] is String)
      #expect(object["status"] as? String == "OK" && object["token"] as? String == harness.owner.id)
      ids.append(try #require(object["request_id"] as? String))
    }
    #expect(ids.contains("abc-123"))
    #expect(ids.contains { $0 != "abc-123" && RequestIDs.isWellFormed($0) })
    #expect(harness.log.lines.allSatisfy { $0.contains(" request=") })
  }

  @Test func jsonEscapesControlCharactersAndMalformedRequestIDsAreReplaced() throws {
    let entry = RequestLogEntry(
      method: "/x\n\u{2028}", status: "INTERNAL", duration: .milliseconds(1), tokenID: "as-secret", peer: "p",
      reason: "quote \" and \u{1B}", requestID: nil)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(entry.jsonLine.utf8)) as? [String: Any])
    #expect(object["method"] as? String == "/x\n\u{2028}" && object["level"] as? String == "error")
    #expect(object["token"] as? String == "malformed" && object["reason"] as? String == "quote \" and \u{1B}")
    #expect(!entry.jsonLine.contains("\n") && !entry.jsonLine.contains("as-secret"))
    let ids = RequestIDs()
    let generated = ids.id(for: ["x-request-id": "bad id\n"])
    #expect(generated != "bad id\n" && RequestIDs.isWellFormed(generated) && generated != ids.id(for: [:]))
    let http = LogFormat.json.httpLine("http GET /flow/<code> 404 1.5ms")
    let parsed = try #require(try JSONSerialization.jsonObject(with: Data(http.utf8)) as? [String: Any])
    #expect(parsed["status"] as? Int == 404 && parsed["path"] as? String == "/flow/<code>" && parsed["event"] as? String == "http")
  }

  @Test func healthEndpointsAnswerFromReadiness() async throws {
    let folder = TemporaryFolder()
    let store = try SQLiteStore(path: folder.path + "/db.sqlite3")
    let readiness = Readiness(store: store, maximumAge: .zero)
    let healthz = await HealthEndpoints.answer(HTTPRequest(method: "GET", path: "/healthz"), readiness: readiness)
    #expect(healthz?.status == 200 && healthz?.body == Array("ok\n".utf8))
    #expect(await HealthEndpoints.answer(HTTPRequest(method: "GET", path: "/readyz"), readiness: readiness)?.status == 200)
    #expect(await HealthEndpoints.answer(HTTPRequest(method: "GET", path: "/"), readiness: readiness) == nil)
    #expect(await HealthEndpoints.answer(HTTPRequest(method: "POST", path: "/readyz"), readiness: readiness) == nil)
    var states = await readiness.watch().makeAsyncIterator()
    #expect(await states.next() == .ready)
    // A database whose schema is behind this binary's (a migration not applied) is not ready.
    let latest = Int64(StoreSchema.latestVersion)
    try await store.write { db throws(ServerError) in
      _ = try db.execute("DELETE FROM schema_migrations WHERE version = ?", [.integer(latest)])
    }
    let behind = await HealthEndpoints.answer(HTTPRequest(method: "GET", path: "/readyz"), readiness: readiness)
    #expect(behind?.status == 503)
    // Versions may have gaps (migrations numbered by the change that owns them): the one before.
    let previous = StoreSchema.migrations.dropLast().last?.version ?? 0
    let reason = "the database schema is version \(previous), this modal-server needs \(latest)"
    #expect(behind.map { String(decoding: $0.body, as: UTF8.self) } == "not ready: \(reason)\n")
    #expect(await states.next() == .notReady(reason))
    await store.close()
  }

  @Test func healthMessagesRoundTrip() throws {
    var request = ProtoWriter()
    request.writeTag(field: 1, .lengthDelimited)
    Array("modal.client.ModalClient".utf8).withUnsafeBytes { request.writeLengthDelimited($0) }
    #expect(try HealthService.service(in: request.bytes) == "modal.client.ModalClient")
    #expect(try HealthService.service(in: []) == "")
    #expect(HealthService.response(.serving) == [0x08, 0x01])
    #expect(HealthService.response(.notServing) == [0x08, 0x02])
    #expect(throws: RPCError.self) { try HealthService.service(in: [0x0A, 0x05]) }
  }
}
