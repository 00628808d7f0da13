import Foundation
import Primitives

extension Participant {
    /// Where a handler sends its results: one `Output` per incoming message.
    ///
    /// It counts the sends the handler started, so the runtime acks only after
    /// every one of them was confirmed by the broker, even a send made from a
    /// task the handler spawned. A send counts from the moment `send` is called:
    /// a spawned task that has not called it yet when the handler returns cannot
    /// be waited for and will be refused, so await sends (or a task group) inside
    /// the handler. A failed or misaddressed send makes the whole message fail,
    /// even if the handler caught the error: requeued when the failure is
    /// transient (`TransportError.isTransient`), else rejected.
    public final class Output: Sendable {
        private let transport: any MessageTransport
        private let exchanges: [String: String]
        private let portIDs: [String]

        private struct State {
            var pending = 0
            var closed = false
            var failures: [any Error] = []
            var idleWaiters: [CheckedContinuation<Void, Never>] = []
        }

        private let state = LockedState(State())

        init(transport: any MessageTransport, outports: [PortDefinition]) {
            self.transport = transport
            self.exchanges = Dictionary(outports.map { ($0.id, $0.queue) }, uniquingKeysWith: { first, _ in first })
            self.portIDs = outports.map(\.id)
        }

        /// Sends JSON on an outport; returns once the broker confirmed it.
        public func send(_ port: String, _ message: JSONValue) async throws {
            try await send(port, data: message.encoded())
        }

        /// Sends a raw body (e.g. not JSON) on an outport; returns once confirmed.
        public func send(_ port: String, data: Data) async throws {
            guard let exchange = exchanges[port] else {
                let error = ParticipantError.unknownOutport(port, available: portIDs)
                state.withLock { $0.failures.append(error) }
                throw error
            }
            let accepted = state.withLock { state -> Bool in
                guard !state.closed else { return false }
                state.pending += 1
                return true
            }
            guard accepted else { throw ParticipantError.outputClosed(port: port) }
            do {
                try await transport.publish(exchange: exchange, body: data)
                finishSend(failure: nil)
            } catch {
                // A TransportError says itself whether the message is retried (isTransient).
                finishSend(failure: error)
                throw error
            }
        }

        private func finishSend(failure: (any Error)?) {
            let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.pending -= 1
                if let failure { state.failures.append(failure) }
                guard state.pending == 0 else { return [] }
                defer { state.idleWaiters = [] }
                return state.idleWaiters
            }
            for waiter in waiters { waiter.resume() }
        }

        /// Waits until no send is in progress, then refuses further sends.
        /// Returns the failures of all sends (empty when every send was confirmed).
        func close() async -> [any Error] {
            while true {
                let idle = state.withLock { state -> Bool in
                    guard state.pending == 0 else { return false }
                    state.closed = true
                    return true
                }
                if idle { break }
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        if state.pending == 0 { return true }
                        state.idleWaiters.append(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            return state.withLock { $0.failures }
        }
    }
}
