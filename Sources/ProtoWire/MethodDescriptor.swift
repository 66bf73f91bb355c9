/// One RPC method of a service: its path and its request and response message types.
public struct MethodDescriptor<Request: ProtoMessage, Response: ProtoMessage>: Sendable, Hashable {
  /// The service's full name, such as `modal.client.ModalClient`.
  public let serviceName: String
  /// The method's name, such as `ClientHello`.
  public let methodName: String
  /// True when the client sends a stream of requests.
  public let clientStreaming: Bool
  /// True when the server answers with a stream of responses.
  public let serverStreaming: Bool

  /// Describes a method; unary unless a streaming flag is set.
  public init(serviceName: String, methodName: String, clientStreaming: Bool = false, serverStreaming: Bool = false) {
    self.serviceName = serviceName
    self.methodName = methodName
    self.clientStreaming = clientStreaming
    self.serverStreaming = serverStreaming
  }

  /// The HTTP/2 path of the call: `/<service>/<method>`.
  public var path: String { "/\(serviceName)/\(methodName)" }

  /// True for one request and one response.
  public var isUnary: Bool { !clientStreaming && !serverStreaming }

  /// The same description without the message types, for tables of methods.
  public var erased: AnyMethodDescriptor {
    AnyMethodDescriptor(
      serviceName: serviceName, methodName: methodName, requestType: Request.self, responseType: Response.self,
      clientStreaming: clientStreaming, serverStreaming: serverStreaming)
  }
}

/// A method description whose message types are values, for routing tables and listings.
public struct AnyMethodDescriptor: Sendable {
  /// The service's full name.
  public let serviceName: String
  /// The method's name.
  public let methodName: String
  /// The request message type.
  public let requestType: any ProtoMessage.Type
  /// The response message type.
  public let responseType: any ProtoMessage.Type
  /// True when the client sends a stream of requests.
  public let clientStreaming: Bool
  /// True when the server answers with a stream of responses.
  public let serverStreaming: Bool

  /// The HTTP/2 path of the call: `/<service>/<method>`.
  public var path: String { "/\(serviceName)/\(methodName)" }

  /// True for one request and one response.
  public var isUnary: Bool { !clientStreaming && !serverStreaming }
}
