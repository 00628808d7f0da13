import MsgFlo
import MsgFloGraph

/// Work for the I/O shell: the coordinator decides, the shell does.
///
/// Each action is self-contained (names, steps, text), so the shell needs no
/// state of its own beyond the connections it holds. When an action fails the
/// shell feeds back `RuntimeInput.actionFailed`.
public enum RuntimeAction: Sendable, Hashable {
    /// Make one graph edge's binding. `steps` (from `TopologyPlan`) declare the
    /// endpoints no live participant announced, as a msgflo-nodejs participant
    /// would, so messages wait in the queue until it comes, then bind.
    case bind(Binding, steps: [TopologyStep])
    /// Remove one binding (unbind only: queued messages stay queued).
    case unbind(Binding, steps: [TopologyStep])
    /// Publish `data` to `queue` (default exchange), after running `declare`
    /// (the queue's declaration when no participant announced it, so the packet waits).
    case publish(queue: String, data: JSONValue, declare: [TopologyStep])
    /// Copy what is published on `exchange` to the coordinator (`RuntimeInput.tapped`)
    /// without taking it from anyone: AMQP, an exclusive auto-delete queue bound to it.
    /// Declare the exchange first as a participant's outport (`TopologyPlan.outport`).
    case startTap(exchange: String)
    case stopTap(exchange: String)
    /// `--participants` only: run `command` (from the component library) for `role`.
    case startProcess(role: String, command: String)
    case stopProcess(role: String)
    /// Write a graph file (and its sidecar) atomically.
    case save(GraphSave)
}

/// What the coordinator produces for one input, in the order to carry it out.
public enum RuntimeOutput: Sendable, Hashable {
    case send(ClientID, FBPMessage)
    case perform(RuntimeAction)
}
