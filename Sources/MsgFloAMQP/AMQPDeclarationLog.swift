import Foundation
import MsgFlo

/// What this transport declared, in order, so both connections can declare
/// it again after a broker restart (non-durable queues and exchanges are gone
/// then, and a consumer on a missing queue would fail with 404).
final class AMQPDeclarationLog: @unchecked Sendable {
    private let lock = NSLock()
    private var operations: [AMQPOperation] = []
    private var known: Set<AMQPOperation> = []

    /// Remembers the restorable operations not seen before.
    func record(_ new: [AMQPOperation]) {
        lock.lock()
        defer { lock.unlock() }
        for operation in new where operation.isRestorable && !known.contains(operation) {
            known.insert(operation)
            operations.append(operation)
        }
    }

    /// Forgets declarations of a deleted queue or exchange (and bindings to it).
    func forget(name: String) {
        lock.lock()
        defer { lock.unlock() }
        operations.removeAll { operation in
            let involved: Bool = switch operation {
            case let .declareQueue(queue, _, _, _): queue == name
            case let .declareExchange(exchange, _, _, _): exchange == name
            case let .bindQueue(queue, exchange, _): queue == name || exchange == name
            case let .bindExchange(destination, source, _): destination == name || source == name
            default: false
            }
            if involved { known.remove(operation) }
            return involved
        }
    }

    var snapshot: [AMQPOperation] {
        lock.lock()
        defer { lock.unlock() }
        return operations
    }
}
