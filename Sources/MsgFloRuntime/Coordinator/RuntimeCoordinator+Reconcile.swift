import Foundation
import MsgFlo
import MsgFloGraph

extension RuntimeCoordinator {
    /// Brings the broker, the processes and the taps in line with the graphs
    /// and the live participants. Desired minus done is done; done minus
    /// desired is undone. Called after every input that can change either side.
    mutating func reconcile(_ out: inout Outbox) {
        reconcileBindings(&out)
        reconcileProcesses(&out)
        reconcileTaps(&out)
    }

    /// Running graphs get exactly the bindings `BindingPlan` gives with the
    /// announced queue names (msgflo-python's `role/port` included), falling
    /// back to the convention for roles not announced. A binding shared by two
    /// graphs is removed only when neither wants it. Stopped graphs are left alone.
    mutating func reconcileBindings(_ out: inout Outbox) {
        let view = liveView
        var desired: [String: [Binding]] = [:]
        for id in graphOrder {
            guard let slot = slots[id], slot.running else { continue }
            do {
                let plan = try BindingPlan.bindings(for: slot.graph.graph, queues: view.queues)
                desired[id] = plan
                slots[id]?.lastPlan = plan
                slots[id]?.planError = nil
            } catch {
                desired[id] = slot.lastPlan
                if slot.planError != error.description {
                    slots[id]?.planError = error.description
                    broadcast(FBPReply.error(on: .network, message: "cannot bind graph '\(id)' yet: \(error)", graph: id), &out)
                }
            }
        }
        for (id, wanted) in desired.sorted(by: { $0.key < $1.key }) {
            let stale = (slots[id]?.applied ?? []).filter { !wanted.contains($0) }
            slots[id]?.applied.removeAll { stale.contains($0) }
            for binding in stale where !isApplied(binding) {
                out.perform(.unbind(binding, steps: TopologyPlan.removalSteps(for: binding)))
            }
        }
        let live = LiveQueues(registry: registry)
        for id in graphOrder {
            for binding in desired[id] ?? [] where !(slots[id]?.applied.contains(binding) ?? true) {
                if !isApplied(binding) { out.perform(.bind(binding, steps: live.setupSteps(for: binding))) }
                slots[id]?.applied.append(binding)
            }
        }
    }

    func isApplied(_ binding: Binding) -> Bool {
        slots.values.contains { $0.applied.contains(binding) }
    }

    /// With `--participants`: a process per participant node of each running
    /// graph, restarted when its command changes. A role whose process exited
    /// waits for network:start (no crash loop); a component missing from the
    /// library is reported once.
    mutating func reconcileProcesses(_ out: inout Outbox) {
        guard configuration.manageParticipants else { return }
        var desired: [(role: String, command: String)] = []
        for id in graphOrder {
            guard let slot = slots[id], slot.running else { continue }
            for process in slot.graph.graph.processes where process.isParticipant && !exitedRoles.contains(process.name) {
                guard !desired.contains(where: { $0.role == process.name }) else { continue }
                do {
                    desired.append((process.name, try library.command(for: process, in: slot.graph.graph)))
                    processProblems[process.name] = nil
                } catch {
                    if processProblems[process.name] != error.description {
                        processProblems[process.name] = error.description
                        broadcast(FBPReply.error(on: .network, message: "cannot start '\(process.name)': \(error)", graph: id), &out)
                    }
                }
            }
        }
        for running in processes where !desired.contains(where: { $0 == running }) {
            out.perform(.stopProcess(role: running.role))
        }
        processes.removeAll { running in !desired.contains { $0 == running } }
        for wanted in desired where !processes.contains(where: { $0.role == wanted.role }) {
            out.perform(.startProcess(role: wanted.role, command: wanted.command))
            processes.append(wanted)
        }
    }
}
