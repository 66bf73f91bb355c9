import ModalAPI
import ModalServer
import ProtoWire
import RPC
import Testing
import TestSupport

/// How a client holding only the gRPC URL finds `POST /oauth/token`: a trailer of every ClientHello.
@Suite struct FederationDiscoveryTests {
  @Test func everyClientHelloNamesTheTokenEndpointRefusedOrAnswered() async throws {
    try await withHarness(settings: ServerSettings(publicURL: "https://modal.example.com/")) { harness in
      let path = ModalClientMethods.clientHello.path
      let request = try Empty().serializedBytes()
      do {
        _ = try await harness.channel.unary(path: path, request: request, metadata: Metadata(), timeout: .seconds(20))
        Issue.record("a ClientHello without a token must be refused")
      } catch let error as RPCError {
        #expect(error.status.code == .unauthenticated)
        #expect(error.trailingMetadata["x-modal-token-endpoint"] == "https://modal.example.com/oauth/token")
      }
      let answered = try await harness.channel.unary(
        path: path, request: request, metadata: harness.owner.metadata, timeout: .seconds(20))
      #expect(answered.trailingMetadata["x-modal-token-endpoint"] == "https://modal.example.com/oauth/token")
      // Other methods do not carry it.
      let info = try await harness.channel.unary(
        path: ModalClientMethods.tokenInfoGet.path, request: try TokenInfoGetRequest().serializedBytes(),
        metadata: harness.owner.metadata, timeout: .seconds(20))
      #expect(info.trailingMetadata["x-modal-token-endpoint"] == nil)
    }
  }
}
