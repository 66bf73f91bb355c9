import ModalAPI
import ProtoWire
import RPC

/// TokenFlowCreate and TokenFlowWait: the two calls made without a token.
extension MethodTable {
  mutating func registerFlowMethods() {
    let backend = self.backend

    anonymous(ModalClientMethods.tokenFlowCreate) { request, context throws(ServerError) in
      let node = PercentEncoding.decode(context.requestMetadata["x-modal-node"] ?? "")
        .filter { !$0.isNewline && $0.asciiValue.map { $0 >= 0x20 && $0 < 0x7F } ?? true }
      let created = try await backend.flows.create(
        utmSource: request.utmSource, localhostPort: request.localhostPort, nextURL: request.nextURL,
        expiresInSeconds: request.expiresInSeconds, node: node, peer: context.peer)
      return TokenFlowCreateResponse(
        tokenFlowID: created.flowID.rawValue, webURL: created.webURL, code: created.code, waitSecret: created.waitSecret)
    }

    anonymous(ModalClientMethods.tokenFlowWait) { request, context throws(ServerError) in
      let settings = backend.dependencies.settings
      var seconds = Double(request.timeout)
      if !seconds.isFinite || seconds < 0 { seconds = 0 }
      seconds = min(seconds, settings.maximumWait)
      var timeout = Duration.milliseconds(Int64(seconds * 1000))
      // Answer "timeout" a little before the client's own deadline, so it can poll again.
      if let remaining = context.timeRemaining {
        timeout = min(timeout, remaining - .milliseconds(500))
      }
      switch try await backend.flows.wait(flowID: FlowID(rawValue: request.tokenFlowID), waitSecret: request.waitSecret, timeout: timeout) {
      case .approved(let token, let workspaceName):
        return TokenFlowWaitResponse(tokenID: token.id.rawValue, tokenSecret: token.secret, timeout: false, workspaceUsername: workspaceName)
      case .timedOut:
        return TokenFlowWaitResponse(timeout: true)
      }
    }
  }
}
