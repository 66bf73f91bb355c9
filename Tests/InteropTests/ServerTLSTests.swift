import Foundation
import Modal
import RPC
import TestSupport
import Testing

/// modal-server with `--tls-cert/--tls-key` serves gRPC and the dashboard over TLS: the SDK, the
/// `modal` command line and an HTTPS client connect when they trust the CA, and refuse otherwise.
@Suite(.serialized) struct ServerTLSTests {
  @Test func grpcAndDashboardOverTLS() async throws {
    let folder = TemporaryFolder()
    let certificates = try TestCertificates(in: folder)
    let server = try ModalServerProcess(in: folder, tls: (certificates.certificatePath, certificates.keyPath))
    defer { server.stop() }
    #expect(server.url.hasPrefix("https://localhost:"))

    var trusted = ChannelOptions()
    trusted.rootCertificates = .file(certificates.caPath)
    let client = try ModalClient(
      tokenID: server.tokenID, tokenSecret: server.tokenSecret,
      options: .init(serverURL: server.url, host: folder.host(), channelOptions: trusted))
    #expect(try await client.workspaceName() == "me")

    let untrusting = try ModalClient(
      tokenID: server.tokenID, tokenSecret: server.tokenSecret, options: .init(serverURL: server.url, host: folder.host()))
    let error = await #expect(throws: ModalError.self) { try await untrusting.hello() }
    #expect(error?.code == .connection, "\(String(describing: error))")

    let page = try ProcessRunner.run(
      "/usr/bin/curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code} %{ssl_verify_result}", "--cacert", certificates.caPath, server.httpURL + "/login"],
      environment: ["PATH": "/usr/bin:/bin"])
    #expect(page.status == 0, "\(page.stderr)")
    #expect(page.stdout == "200 0")
    let refused = try ProcessRunner.run(
      "/usr/bin/curl", ["-sS", "-o", "/dev/null", server.httpURL + "/login"], environment: ["PATH": "/usr/bin:/bin"])
    #expect(refused.status != 0, "an untrusted certificate must be refused")
    let headers = try ProcessRunner.run(
      "/usr/bin/curl", ["-sS", "-D", "-", "-o", "/dev/null", "--cacert", certificates.caPath, server.httpURL + "/login"],
      environment: ["PATH": "/usr/bin:/bin"])
    let cookies = headers.stdout.lowercased().split(separator: "\r\n").filter { $0.hasPrefix("set-cookie:") }
    #expect(!cookies.isEmpty && cookies.allSatisfy { $0.contains("; secure") }, "cookies are Secure under TLS: \(headers.stdout)")
  }
}
