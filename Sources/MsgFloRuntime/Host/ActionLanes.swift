import Foundation

/// The coordinator's actions, split into three lanes that each run in order:
/// broker work (bind, unbind, publish, taps: a bind and the unbind that undoes
/// it must never swap), processes (a start may wait up to a minute for its
/// first line), and saves. A lane never holds up another.
final class ActionLanes: Sendable {
    let broker: AsyncStream<RuntimeAction>
    let processes: AsyncStream<RuntimeAction>
    let saves: AsyncStream<RuntimeAction>
    private let brokerInput: AsyncStream<RuntimeAction>.Continuation
    private let processInput: AsyncStream<RuntimeAction>.Continuation
    private let saveInput: AsyncStream<RuntimeAction>.Continuation

    init() {
        (broker, brokerInput) = AsyncStream.makeStream(of: RuntimeAction.self)
        (processes, processInput) = AsyncStream.makeStream(of: RuntimeAction.self)
        (saves, saveInput) = AsyncStream.makeStream(of: RuntimeAction.self)
    }

    func enqueue(_ action: RuntimeAction) {
        switch action {
        case .bind, .unbind, .publish, .startTap, .stopTap: brokerInput.yield(action)
        case .startProcess, .stopProcess: processInput.yield(action)
        case .save: saveInput.yield(action)
        }
    }

    /// No more actions: each lane ends after the ones queued.
    func finish() {
        brokerInput.finish()
        processInput.finish()
        saveInput.finish()
    }
}
