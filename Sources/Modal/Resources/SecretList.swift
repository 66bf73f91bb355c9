#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import ModalAPI

/// The secrets of an environment as an `AsyncSequence`, newest first, fetched a page at a time.
///
/// Pages as the Python client does: `pageSize` a page, `created_before` the previous page's last
/// creation time (now for the first page), until a page is short.
public struct SecretList: AsyncSequence, Sendable {
  /// One secret.
  public typealias Element = Secret

  let client: ModalClient
  let environment: String
  let pageSize: Int32
  let options: CallOptions

  /// Starts reading; nothing is fetched before the first `next()`.
  public func makeAsyncIterator() -> Iterator {
    Iterator(list: self, before: Self.now())
  }

  /// Every secret, read to the end.
  public func all() async throws(ModalError) -> [Secret] {
    var iterator = makeAsyncIterator()
    var secrets: [Secret] = []
    while let secret = try await iterator.nextSecret() { secrets.append(secret) }
    return secrets
  }

  /// Reads the list a page at a time.
  public struct Iterator: AsyncIteratorProtocol {
    let list: SecretList
    var before: Double
    var page: [SecretListItem] = []
    var finished = false

    /// The next secret, fetching the next page when this one is used up.
    public mutating func next() async throws -> Secret? {
      try await nextSecret()
    }

    /// The next secret, with the SDK's typed error.
    public mutating func nextSecret() async throws(ModalError) -> Secret? {
      if page.isEmpty && !finished { try await fetch() }
      guard !page.isEmpty else { return nil }
      return Secret(page.removeFirst())
    }

    private mutating func fetch() async throws(ModalError) {
      var request = SecretListRequest()
      request.environmentName = list.environment
      request.pagination = ListPagination(maxObjects: list.pageSize, createdBefore: before)
      let items = try await list.client.call(ModalClientMethods.secretList, request, options: list.options).items
      page = items
      if items.count >= Int(list.pageSize), let last = items.last {
        before = last.metadata?.creationInfo?.createdAt ?? last.createdAt
      } else {
        finished = true
      }
    }
  }

  /// Now, in seconds since the Unix epoch.
  static func now() -> Double { UnixTime.now.seconds }
}
