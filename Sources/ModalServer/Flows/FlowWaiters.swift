/// Parks `TokenFlowWait` calls until their flow changes: `signal` wakes every waiter of a flow at
/// once (no polling), `wait` also returns when its time is up or its task is cancelled.
///
/// Lost wake-ups are impossible: a waiter registers (taking the flow's generation) *before* it reads
/// the flow from the store, and `wait` returns at once if a signal came in between.
package actor FlowWaiters {
  /// A registration made before reading the flow.
  package struct Ticket: Sendable, Hashable {
    let id: UInt64
    let flowID: FlowID
    let generation: UInt64
  }

  private struct Parked {
    let flowID: FlowID
    let continuation: CheckedContinuation<Bool, Never>
    let timer: Task<Void, Never>
  }

  private var generations: [FlowID: UInt64] = [:]
  private var registrations: [FlowID: Int] = [:]
  private var parked: [UInt64: Parked] = [:]
  private var nextID: UInt64 = 0

  /// Creates an empty set of waiters.
  package init() {}

  /// Registers interest in a flow; pass the ticket to `wait` or `cancel`.
  package func register(flowID: FlowID) -> Ticket {
    nextID += 1
    registrations[flowID, default: 0] += 1
    return Ticket(id: nextID, flowID: flowID, generation: generations[flowID, default: 0])
  }

  /// Waits until the flow is signalled (`true`), or `timeout` passes or the task is cancelled
  /// (`false`). Consumes the ticket.
  package func wait(_ ticket: Ticket, timeout: Duration) async -> Bool {
    defer { release(ticket) }
    if generations[ticket.flowID, default: 0] != ticket.generation { return true }
    if timeout <= .zero || Task.isCancelled { return false }
    return await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
        if Task.isCancelled {
          continuation.resume(returning: false)
          return
        }
        let timer = Task { [weak self] in
          try? await Task.sleep(for: timeout)
          await self?.expire(ticket.id)
        }
        parked[ticket.id] = Parked(flowID: ticket.flowID, continuation: continuation, timer: timer)
      }
    } onCancel: {
      Task { await self.expire(ticket.id) }
    }
  }

  /// Gives up a ticket without waiting.
  package func cancel(_ ticket: Ticket) { release(ticket) }

  /// Wakes every waiter of `flowID`.
  package func signal(flowID: FlowID) {
    guard registrations[flowID] != nil else { return }
    generations[flowID, default: 0] += 1
    for (id, entry) in parked where entry.flowID == flowID {
      parked[id] = nil
      entry.timer.cancel()
      entry.continuation.resume(returning: true)
    }
  }

  /// Wakes every waiter of every flow (notices may have been missed).
  package func signalAll() {
    for flowID in registrations.keys { generations[flowID, default: 0] += 1 }
    for (_, entry) in parked {
      entry.timer.cancel()
      entry.continuation.resume(returning: true)
    }
    parked.removeAll()
  }

  private func expire(_ id: UInt64) {
    guard let entry = parked.removeValue(forKey: id) else { return }
    entry.timer.cancel()
    entry.continuation.resume(returning: false)
  }

  private func release(_ ticket: Ticket) {
    guard let count = registrations[ticket.flowID] else { return }
    if count <= 1 {
      registrations[ticket.flowID] = nil
      generations[ticket.flowID] = nil
    } else {
      registrations[ticket.flowID] = count - 1
    }
  }

  /// How many calls are parked (for tests and metrics).
  package var parkedCount: Int { parked.count }
}
