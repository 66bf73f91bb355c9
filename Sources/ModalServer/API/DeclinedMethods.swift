import ModalAPI
import ProtoWire
import RPC

/// Modal methods this server answers with UNIMPLEMENTED and a reason, rather than the RPC layer's
/// generic "unknown method": billing and the image builder, which `modal.Workspace` and
/// `modal billing` call but which have no meaning for an auth server that runs no containers.
extension MethodTable {
  /// The billing methods: nothing here is metered.
  static let billingMethods = ["EnvironmentBillingSummary", "WorkspaceBillingRates", "WorkspaceBillingReport", "WorkspaceBillingSummary"]
  /// The image-builder methods: nothing here builds images.
  static let imageBuilderMethods = ["WorkspaceSetImageBuilderVersion"]

  mutating func registerDeclinedMethods() {
    let reasons = [
      (Self.billingMethods, "this server does not bill: it runs no containers, so there is no usage to report or charge"),
      (Self.imageBuilderMethods, "this server does not build images, so there is no image builder version to set"),
    ]
    for (names, reason) in reasons {
      for name in names {
        // The request is never read, so any message type will do for the descriptor.
        let method = MethodDescriptor<Empty, Empty>(serviceName: ModalClientMethods.clientHello.serviceName, methodName: name)
        anonymous(method) { _, _ throws(ServerError) in
          throw ServerError(.unimplemented, "\(name): \(reason). Use Modal's own service for it.")
        }
      }
    }
  }
}
