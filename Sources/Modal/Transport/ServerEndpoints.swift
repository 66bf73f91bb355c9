import RPC

/// The server URL setting split into its candidates, with a channel per candidate.
///
/// `server_url` may be a comma-separated list (the default is Modal's API with failover to a
/// second domain). As in the Python client, candidate `i` starts connecting after `i × 3` seconds
/// or as soon as the previous candidate fails, and the first to connect serves every call.
actor ServerEndpoints {
  /// A candidate URL and its channel.
  struct Candidate: Sendable {
    let url: String
    let channel: Channel
  }

  /// The candidates in order.
  let candidates: [Candidate]
  /// How long each candidate waits for the previous one before starting anyway.
  let stagger: Duration
  private var chosen: Candidate?

  /// Parses the setting and creates a (lazy, not yet connected) channel for each URL.
  init(serverURL: String, options: ChannelOptions, stagger: Duration = .seconds(3)) throws(ModalError) {
    let urls = serverURL.split(separator: ",").map { String($0.trimmingSpaces()) }.filter { !$0.isEmpty }
    guard !urls.isEmpty else {
      throw ModalError(.invalidArgument, "The server URL is empty.", remedy: "Set MODAL_SERVER_URL or the profile's server_url to a URL such as https://api.modal.com.")
    }
    var candidates: [Candidate] = []
    for url in urls {
      do {
        candidates.append(Candidate(url: url, channel: try Channel(url: url, options: options)))
      } catch {
        throw ServerURL.invalid(url, error.message)
      }
    }
    self.candidates = candidates
    self.stagger = stagger
    if candidates.count == 1 { chosen = candidates[0] }
  }

  /// The candidate to use: the only one, the one already chosen, or the first to connect within
  /// `limit` (the first candidate when none does, or when the calling task is cancelled).
  func current(within limit: Duration? = nil) async -> Candidate {
    if let chosen { return chosen }
    guard let winner = await race(within: limit) else { return candidates[0] }
    chosen = winner
    return winner
  }

  /// How errors name the server a call went to: its URL, and when it was tried only because no
  /// candidate of a list connected in time, the list too (`http://a (none of http://a, http://b
  /// connected)`), since the problem may be any of them.
  func describe(_ candidate: Candidate) -> String {
    guard candidates.count > 1, chosen?.url != candidate.url else { return candidate.url }
    return "\(candidate.url) (none of \(candidates.map(\.url).joined(separator: ", ")) connected)"
  }

  /// Forgets the chosen candidate after a connection failure, so the next call races again.
  func reset(after failed: Candidate) {
    if candidates.count > 1, chosen?.url == failed.url { chosen = nil }
  }

  /// Starts candidates one after another (staggered, or early when the previous one fails) and
  /// returns the first that reaches READY; `nil` when none does in time (the stagger for each
  /// candidate plus 10 s, or `limit`) or the calling task is cancelled.
  ///
  /// Each started candidate is watched (`waitForStateChange`), which also makes the client's
  /// completion-queue thread drive its connection attempt; the loop wakes at least every 10 ms to
  /// start the next candidate on time.
  private func race(within limit: Duration?) async -> Candidate? {
    let start = ContinuousClock.now
    var started = 1
    var failedUpTo = -1
    var watchers: [Int: Task<Void, Never>] = [:]
    defer { for watcher in watchers.values { watcher.cancel() } }
    var deadline = start + stagger * max(1, candidates.count) + .seconds(10)
    if let limit { deadline = min(deadline, start + limit) }
    while ContinuousClock.now < deadline, !Task.isCancelled {
      for index in 0..<started {
        let state = candidates[index].channel.connectivityState(connect: true)
        switch state {
        case .ready: return candidates[index]
        case .transientFailure, .shutdown: failedUpTo = max(failedUpTo, index)
        default: break
        }
        if watchers[index] == nil { watchers[index] = Self.watch(candidates[index].channel) }
      }
      if failedUpTo == candidates.count - 1 { break }
      let due = min(candidates.count, 1 + Int((ContinuousClock.now - start) / stagger))
      started = min(candidates.count, max(started, due, failedUpTo + 2))
      try? await Task.sleep(for: .milliseconds(10))
    }
    return nil
  }

  /// Keeps a connectivity watch on `channel` until it is ready or shut down, or the task is cancelled.
  private static func watch(_ channel: Channel) -> Task<Void, Never> {
    Task {
      while !Task.isCancelled {
        let state = channel.connectivityState()
        if state == .ready || state == .shutdown { return }
        _ = await channel.waitForStateChange(from: state, timeout: .milliseconds(500))
      }
    }
  }
}
