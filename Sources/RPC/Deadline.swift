import CGRPC

// Conversions between Swift durations and the gRPC core's deadlines.

/// Converts a timeout into an absolute core deadline on the monotonic clock.
func coreDeadline(after timeout: Duration?) -> gpr_timespec {
  guard let timeout else { return cgrpc_gpr_inf_future()(GPR_CLOCK_MONOTONIC) }
  let (seconds, attoseconds) = timeout.components
  if seconds < 0 || (seconds == 0 && attoseconds <= 0) {
    return cgrpc_gpr_now()(GPR_CLOCK_MONOTONIC)
  }
  // Beyond ~292 years the nanosecond arithmetic would overflow: treat as no deadline.
  if seconds > 9_000_000_000 { return cgrpc_gpr_inf_future()(GPR_CLOCK_MONOTONIC) }
  var span = gpr_timespec()
  span.tv_sec = seconds
  span.tv_nsec = Int32(attoseconds / 1_000_000_000)
  span.clock_type = GPR_TIMESPAN
  return cgrpc_gpr_time_add()(cgrpc_gpr_now()(GPR_CLOCK_MONOTONIC), span)
}

/// The time left until a core deadline, or `nil` for an infinite deadline.
func remainingTime(until deadline: gpr_timespec) -> Duration? {
  let monotonic = cgrpc_gpr_convert_clock_type()(deadline, GPR_CLOCK_MONOTONIC)
  if cgrpc_gpr_time_cmp()(monotonic, cgrpc_gpr_inf_future()(GPR_CLOCK_MONOTONIC)) >= 0 { return nil }
  let left = cgrpc_gpr_time_sub()(monotonic, cgrpc_gpr_now()(GPR_CLOCK_MONOTONIC))
  return .seconds(left.tv_sec) + .nanoseconds(Int64(left.tv_nsec))
}
