import RPC

/// The Modal-compatible gRPC API (`modal.client.ModalClient`) of the server, as an `RPC.Router`.
///
/// Methods not listed in `docs/server.md` get the RPC layer's `UNIMPLEMENTED` answer, which
/// names the method.
package enum ModalGRPCService {
  /// The router serving every implemented method of `backend`, logging each call to `log`.
  package static func router(backend: Backend, log: @escaping RequestLogger = RequestLoggers.standardError) -> Router {
    var table = MethodTable(backend: backend, log: log)
    table.registerIdentityMethods()
    table.registerFlowMethods()
    table.registerEnvironmentMethods()
    table.registerSecretMethods()
    table.registerAuditMethods()
    table.registerProxyTokenMethods()
    table.registerWorkspaceMethods()
    table.registerServiceUserMethods()
    table.registerLeakReportMethods()
    table.registerDeclinedMethods()
    return table.router
  }
}
