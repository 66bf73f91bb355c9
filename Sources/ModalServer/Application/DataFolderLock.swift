import Foundation

/// An exclusive advisory lock on `<data-dir>/serve.lock`, so two servers never share a data folder.
struct DataFolderLock {
  private let fd: Int32

  init(dataDirectory: String) throws(ServerError) {
    let path = dataDirectory + "/serve.lock"
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw ServerError(.failedPrecondition, "Could not open \(path).") }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      close(fd)
      throw ServerError(.failedPrecondition, "Another modal-server is already serving the data folder \(dataDirectory).")
    }
  }

  func release() {
    flock(fd, LOCK_UN)
    close(fd)
  }
}

/// Holds the dashboard once the services exist (the HTTP listener starts first, to learn its port).
final class DashboardSlot: @unchecked Sendable {
  private let lock = NSLock()
  private var dashboard: Dashboard?

  func set(_ dashboard: Dashboard) { lock.withLock { self.dashboard = dashboard } }

  func handle(_ request: HTTPRequest) async -> HTTPResponse {
    guard let dashboard = lock.withLock({ self.dashboard }) else {
      return .text(503, "The server is starting; retry in a moment.\n")
    }
    return await dashboard.handle(request)
  }
}
