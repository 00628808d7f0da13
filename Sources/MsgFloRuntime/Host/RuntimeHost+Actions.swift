import Foundation
import Logging
import MsgFlo
import MsgFloGraph
import Primitives

extension RuntimeHost {
    /// Bindings, publishes and taps, in the order the coordinator decided them.
    /// Taps live here, so they are cancelled (their queues deleted) when the lane ends.
    func runBrokerLane() async {
        var taps: [String: any ConsumerHandle] = [:]
        for await action in lanes.broker {
            do {
                switch action {
                case .bind(let binding, let steps):
                    try await transport.execute(steps)
                    logger.info("bound", metadata: ["binding": "\(binding.summary)"])
                case .unbind(let binding, let steps):
                    try await transport.execute(steps)
                    logger.info("unbound", metadata: ["binding": "\(binding.summary)"])
                case .publish(let queue, let data, let declare):
                    if !declare.isEmpty { try await transport.execute(declare) }
                    try await transport.publish(queue: queue, body: data.encoded())
                    logger.info("sent a packet", metadata: ["queue": "\(queue)"])
                case .startTap(let exchange):
                    guard taps[exchange] == nil else { continue }
                    taps[exchange] = try await startTap(exchange)
                    logger.info("watching an exchange", metadata: ["exchange": "\(exchange)"])
                case .stopTap(let exchange):
                    await taps.removeValue(forKey: exchange)?.cancel()
                    logger.info("stopped watching an exchange", metadata: ["exchange": "\(exchange)"])
                case .startProcess, .stopProcess, .save:
                    break
                }
            } catch {
                failed(action, error)
            }
        }
        for handle in taps.values { await handle.cancel() }
    }

    /// A participant declares its outport exchanges itself; declaring one the
    /// same way first lets an edge be watched before its participant runs.
    private func startTap(_ exchange: String) async throws -> any ConsumerHandle {
        try await transport.execute(TopologyPlan.outport(exchange))
        let inbox = taps
        return try await transport.tap(exchange: exchange, backlog: options.tapBacklog) { message in
            inbox.add(exchange: exchange, body: message.body)
        }
    }

    /// Starts and stops the processes of roles (`--participants`).
    func runProcessLane() async {
        for await action in lanes.processes {
            switch action {
            case .startProcess(let role, let command):
                guard let launcher else {
                    failed(action, RuntimeHostError.noParticipants)
                    continue
                }
                do {
                    try await launcher.start(ParticipantLauncher.Child(role: role, command: command))
                } catch {
                    // One that hangs without a word is stopped too: the coordinator now counts it as not running.
                    await launcher.stop(role: role)
                    failed(action, error)
                }
            case .stopProcess(let role):
                await launcher?.stop(role: role)
            default:
                break
            }
        }
    }

    /// Auto-saves, written atomically off the cooperative threads.
    func runSaveLane() async {
        let files = BlockingPool(threads: 1, name: "runtime-save")
        defer { files.shutdown() }
        for await action in lanes.saves {
            guard case .save(let save) = action else { continue }
            do {
                try await files.run { try AtomicFile.perform(save) }
                logger.info("graph saved", metadata: ["path": "\(save.path)"])
            } catch {
                failed(action, error)
            }
        }
    }

    private func failed(_ action: RuntimeAction, _ error: any Error) {
        logger.warning("runtime action failed", metadata: ["action": "\(action)", "error": "\(error)"])
        input(.actionFailed(action, reason: "\(error)"))
    }
}

/// Why the host could not carry out an action, beyond the transport's own errors.
enum RuntimeHostError: Error, CustomStringConvertible {
    case noParticipants

    var description: String {
        switch self {
        case .noParticipants: "this runtime does not start processes: run msgflo runtime with --participants"
        }
    }
}
