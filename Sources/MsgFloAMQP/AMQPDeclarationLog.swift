import Foundation
import MsgFlo
import Synchronization

/// What this transport declared, in order, so both connections can declare
/// it again after a broker restart (non-durable queues and exchanges are gone
/// then, and a consumer on a missing queue would fail with 404).
final class AMQPDeclarationLog: Sendable {
    private struct Log {
        var operations: [AMQPOperation] = []
        var known: Set<AMQPOperation> = []
    }

    private let log = Mutex(Log())

    /// Remembers the restorable operations not seen before.
    func record(_ new: [AMQPOperation]) {
        log.withLock { log in
            for operation in new where operation.isRestorable && !log.known.contains(operation) {
                log.known.insert(operation)
                log.operations.append(operation)
            }
        }
    }

    /// Forgets declarations of a deleted queue or exchange (and bindings to it).
    func forget(name: String) {
        log.withLock { log in
            var forgotten: [AMQPOperation] = []
            log.operations.removeAll { operation in
                let involved: Bool =
                    switch operation {
                    case .declareQueue(let queue, _, _, _, _): queue == name
                    case .declareExchange(let exchange, _, _, _): exchange == name
                    case .bindQueue(let queue, let exchange, _): queue == name || exchange == name
                    case .bindExchange(let destination, let source, _): destination == name || source == name
                    default: false
                    }
                if involved { forgotten.append(operation) }
                return involved
            }
            for operation in forgotten { log.known.remove(operation) }
        }
    }

    var snapshot: [AMQPOperation] {
        log.withLock { $0.operations }
    }
}
