import Foundation
import Synchronization

@testable import LoadTest

/// A client whose behaviour each job's first image URL names, so a round-robin
/// URL list scripts a run: `ok://`, `fail://`, `http503://`, `timeout://`,
/// `refused://`. It counts the jobs it holds at once.
final class ScriptedJobClient: JobClient, Sendable {
    private struct State {
        var next = 0
        var current = 0
        var peak = 0
        var submitted: [[ImageRequest]] = []
    }

    private let state = Mutex(State())
    var peak: Int { state.withLock { $0.peak } }
    var submitted: [[ImageRequest]] { state.withLock { $0.submitted } }

    func submit(_ images: [ImageRequest]) async throws -> JobHandle {
        let url = images[0].input
        if url.hasPrefix("http503") { throw JobClientError.httpStatus(503, body: "busy") }
        if url.hasPrefix("refused") { throw URLError(.cannotConnectToHost) }
        return state.withLock { state in
            state.next += 1
            state.current += 1
            state.peak = max(state.peak, state.current)
            state.submitted.append(images)
            return JobHandle(id: "\(state.next)|\(url)")
        }
    }

    func waitForCompletion(_ handle: JobHandle, timeout: Duration) async throws -> JobOutcome {
        defer { state.withLock { $0.current -= 1 } }
        try await Task.sleep(for: .milliseconds(2))
        let url = handle.id.split(separator: "|")[1]
        if url.hasPrefix("fail") { return .failed(message: "decode error") }
        if url.hasPrefix("timeout") { throw JobClientError.timeout }
        return .completed
    }
}

/// A client that holds every job until the test opens the gate, to fill the
/// in-flight cap deterministically.
actor GatedJobClient: JobClient {
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var open = false
    private var count = 0

    func submit(_ images: [ImageRequest]) async throws -> JobHandle {
        count += 1
        return JobHandle(id: "\(count)")
    }

    func waitForCompletion(_ handle: JobHandle, timeout: Duration) async throws -> JobOutcome {
        if !open { await withCheckedContinuation { waiting.append($0) } }
        return .completed
    }

    func release() {
        open = true
        for continuation in waiting { continuation.resume() }
        waiting.removeAll()
    }
}
