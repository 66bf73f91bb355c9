import Foundation
import ModalAPI
import ModalServer
import ProtoWire
import RPC
import Testing

@Suite struct BadInputTests {
  @Test func malformedProtobufIsInvalidArgument() async throws {
    try await withHarness { harness in
      for garbage: [UInt8] in [[0xFF], [0x0A, 0x05, 0x61], [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]] {
        let error = await rpcError {
          try await harness.channel.unary(
            path: ModalClientMethods.secretGetOrCreate.path, request: garbage, metadata: harness.owner.metadata)
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.hasPrefix("The request is not a valid modal.client.SecretGetOrCreateRequest message") == true)
      }
      // Unauthenticated callers learn nothing about parsing.
      let anonymous = await rpcError { try await harness.channel.unary(path: ModalClientMethods.secretList.path, request: [0xFF]) }
      #expect(anonymous?.code == .unauthenticated)
      let flow = await rpcError { try await harness.channel.unary(path: ModalClientMethods.tokenFlowWait.path, request: [0x0A]) }
      #expect(flow?.code == .invalidArgument)
    }
  }

  @Test func unknownMethodsAreUnimplementedNamingTheMethod() async throws {
    try await withHarness { harness in
      for path in ["/modal.client.ModalClient/AppCreate", "/other.Service/Method"] {
        let error = await rpcError { try await harness.channel.unary(path: path, request: [], metadata: harness.owner.metadata) }
        #expect(error?.code == .unimplemented)
        #expect(error?.message.contains(path) == true)
      }
    }
  }

  @Test func oversizedMessagesAreRejectedAndTheServerKeepsServing() async throws {
    try await withHarness { harness in
      let huge = [UInt8](repeating: 0x41, count: 5 * 1024 * 1024)
      let error = await rpcError {
        try await harness.channel.unary(path: ModalClientMethods.secretList.path, request: huge, metadata: harness.owner.metadata)
      }
      #expect(error?.code == .resourceExhausted)
      var big = SecretGetOrCreateRequest(deploymentName: "big", objectCreationType: .createFailIfExists)
      big.envDict = ["K": String(repeating: "x", count: 2 * 1024 * 1024)]
      let tooBig = await rpcError { try await harness.call(ModalClientMethods.secretGetOrCreate, big, as: harness.owner) }
      #expect(tooBig?.code == .invalidArgument)
      _ = try await harness.call(ModalClientMethods.clientHello, Empty(), as: harness.owner)
    }
  }

  @Test func strangeButValidInputNeverCrashes() async throws {
    try await withHarness { harness in
      var generator = SystemRandomNumberGenerator()
      for _ in 0..<200 {
        let count = Int.random(in: 0..<64, using: &generator)
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for method in [ModalClientMethods.secretGetOrCreate.path, ModalClientMethods.environmentUpdate.path, ModalClientMethods.secretList.path] {
          do {
            _ = try await harness.channel.unary(path: method, request: bytes, metadata: harness.owner.metadata)
          } catch let error as RPCError {
            #expect([.invalidArgument, .notFound, .alreadyExists, .failedPrecondition, .unimplemented].contains(error.code), "\(error)")
          }
        }
      }
      var weird = SecretListRequest()
      weird.pagination = ListPagination(maxObjects: -5, createdBefore: .infinity)
      let error = await rpcError { try await harness.call(ModalClientMethods.secretList, weird, as: harness.owner) }
      #expect(error?.code == .invalidArgument)
      var wait = TokenFlowWaitRequest(timeout: .nan, tokenFlowID: "", waitSecret: "")
      wait.timeout = -.infinity
      #expect(await rpcError { try await harness.call(ModalClientMethods.tokenFlowWait, wait, as: nil) }?.code == .notFound)
    }
  }

  @Test func logLinesEscapeWhatCallersAndDatabasesControl() {
    let entry = RequestLogEntry(
      method: "/modal.client.ModalClient/X\nforged OK\u{1B}[2J", status: "INTERNAL", duration: .milliseconds(2),
      tokenID: "ak-\nnot-an-id", peer: "ipv4:127.0.0.1:5", reason: "connection \"lost\"\r\nsecond line\u{202E}")
    let line = entry.line
    #expect(!line.unicodeScalars.contains { $0.properties.generalCategory == .control || $0 == "\u{202E}" })
    #expect(line.contains(#" grpc /modal.client.ModalClient/X\x0Aforged\x20OK\x1B[2J INTERNAL 2.0ms token=malformed "#))
    #expect(line.hasSuffix(#" reason="connection \x22lost\x22\x0D\x0Asecond line\u{202E}""#))
  }
}
