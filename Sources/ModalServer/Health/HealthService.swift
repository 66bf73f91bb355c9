import ProtoWire
import RPC

/// The standard gRPC health checking protocol (`grpc.health.v1.Health`, from grpc/grpc's
/// `health.proto`) on the API's listener, answered from `Readiness` without authentication.
///
/// Service `""` (the server) and `modal.client.ModalClient` are known: SERVING while the store
/// answers, NOT_SERVING while it does not. Check of any other service is NOT_FOUND; Watch of one
/// sends SERVICE_UNKNOWN, as the protocol says. The two messages are small enough to encode here
/// with `ProtoWire`: `HealthCheckRequest { string service = 1; }` and
/// `HealthCheckResponse { ServingStatus status = 1; }`.
package enum HealthService {
  /// The method paths.
  package static let checkPath = "/grpc.health.v1.Health/Check"
  /// See `checkPath`.
  package static let watchPath = "/grpc.health.v1.Health/Watch"
  /// The services this server reports on.
  package static let services: Set<String> = ["", "modal.client.ModalClient"]

  /// `HealthCheckResponse.ServingStatus`.
  package enum ServingStatus: UInt64, Sendable {
    case unknown = 0, serving = 1, notServing = 2, serviceUnknown = 3

    init(_ state: Readiness.State) { self = state == .ready ? .serving : .notServing }
  }

  /// Adds Check and Watch to `router`.
  package static func register(on router: inout Router, readiness: Readiness) {
    router.unary(checkPath) { bytes, _ in
      guard services.contains(try service(in: bytes)) else {
        throw RPCError(code: .notFound, message: "unknown service")
      }
      return response(ServingStatus(await readiness.current()))
    }
    router.serverStreaming(watchPath) { bytes, writer, _ in
      guard services.contains(try service(in: bytes)) else {
        try await writer.write(response(.serviceUnknown))
        // The protocol keeps the stream open for a service that may appear; none will here.
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        return
      }
      var last: ServingStatus?
      for await state in await readiness.watch() {
        let status = ServingStatus(state)
        guard status != last else { continue }
        last = status
        try await writer.write(response(status))
      }
    }
  }

  /// The `service` field of a `HealthCheckRequest`.
  static func service(in bytes: [UInt8]) throws(RPCError) -> String {
    do {
      return try bytes.withUnsafeBytes { buffer throws(ProtoWireError) -> String in
        var reader = try ProtoReader(buffer: buffer)
        var service = ""
        while let tag = try reader.nextField() {
          if tag.number == 1 && tag.wireType == .lengthDelimited {
            service = String(decoding: try reader.readLengthDelimitedBytes(), as: UTF8.self)
          } else {
            try reader.skipValue(tag)
          }
        }
        return service
      }
    } catch {
      throw RPCError(code: .invalidArgument, message: "The request is not a valid grpc.health.v1.HealthCheckRequest message.")
    }
  }

  /// A `HealthCheckResponse` with `status`.
  static func response(_ status: ServingStatus) -> [UInt8] {
    var writer = ProtoWriter()
    if status != .unknown {
      writer.writeTag(field: 1, .varint)
      writer.writeVarint(status.rawValue)
    }
    return writer.bytes
  }
}
