import MsgFlo
import MsgFloGraph

/// The queues and exchanges live participants announced: those exist on the
/// broker and belong to their participants, so they are bound, never declared.
struct LiveQueues: Sendable {
    var inports: Set<String> = []
    var outports: Set<String> = []

    init(registry: ParticipantRegistry) {
        for entry in registry.participants {
            inports.formUnion(entry.definition.inports.map(\.queue))
            outports.formUnion(entry.definition.outports.map(\.queue))
        }
    }

    /// Declarations for the ends nobody announced (as a msgflo-nodejs participant
    /// would make them, so messages wait for it), then the binding itself.
    func setupSteps(for binding: Binding) -> [TopologyStep] {
        var steps: [TopologyStep] = []
        switch binding.kind {
        case .pubsub, .roundrobin:
            if !outports.contains(binding.source) { steps += TopologyPlan.outport(binding.source) }
        case .deadletter:
            if !inports.contains(binding.source) { steps += TopologyPlan.inport(binding.source) }
        }
        if !inports.contains(binding.target) { steps += TopologyPlan.inport(binding.target) }
        return steps + TopologyPlan.setupSteps(for: binding, endpoints: .assumeExisting)
    }
}
