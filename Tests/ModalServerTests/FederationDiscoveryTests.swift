import Foundation
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
      let request = Empty().serializedBytes()
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
        path: ModalClientMethods.tokenInfoGet.path, request: TokenInfoGetRequest().serializedBytes(),
        metadata: harness.owner.metadata, timeout: .seconds(20))
      #expect(info.trailingMetadata["x-modal-token-endpoint"] == nil)
    }
  }

  @Test func tokenInfoOfAFederatedTokenNamesItsPolicyAndSubject() async throws {
    try await withHarness { harness in
      let terms = FederationPolicy.Terms(
        name: "gha", issuer: "https://token.actions.githubusercontent.com", audience: "modal",
        keys: .url("https://token.actions.githubusercontent.com/.well-known/jwks"))
      let policy = try await harness.backend.federation.add(
        terms, in: harness.workspace, creator: harness.ownerUser, by: .serverOperator)
      let issued = try harness.backend.tokens.makeToken(
        workspaceID: harness.workspace.id, owner: .serviceUser(id: policy.serviceUserID), createdByUserID: nil,
        name: "oidc:gha", scopes: ScopeSet([.read]), lifetimeSeconds: 600)
      let subject = "repo:acme/app:ref:refs/heads/main"
      try await harness.store.insertFederatedToken(
        issued.record, origin: FederatedOrigin(policyID: policy.id, policyName: "gha", issuer: terms.issuer, subject: subject),
        audit: nil)
      let credentials = Credentials(id: issued.id.rawValue, secret: issued.secret)
      let info = try await harness.channel.unary(
        path: ModalClientMethods.tokenInfoGet.path, request: TokenInfoGetRequest().serializedBytes(),
        metadata: credentials.metadata, timeout: .seconds(20))
      #expect(info.trailingMetadata["x-modal-federation-policy"] == "gha")
      #expect(info.trailingMetadata["x-modal-federation-subject"]?.removingPercentEncoding == subject)
      let response = try TokenInfoGetResponse(serializedBytes: info.message)
      #expect(response.tokenName == "oidc:gha")
      // An ordinary token carries neither.
      let owner = try await harness.channel.unary(
        path: ModalClientMethods.tokenInfoGet.path, request: TokenInfoGetRequest().serializedBytes(),
        metadata: harness.owner.metadata, timeout: .seconds(20))
      #expect(owner.trailingMetadata["x-modal-federation-policy"] == nil)
    }
  }
}
