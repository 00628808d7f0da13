import Primitives

/// Fired by `Participant.stop()`: a handler waiting out a retry delay is
/// woken so its message goes back to the broker at once instead of holding the
/// drain until the delay ends.
typealias StopLatch = Latch
