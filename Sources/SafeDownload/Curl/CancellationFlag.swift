import Synchronization

/// Set from any thread (task cancellation, shutdown); read by the transfer's
/// progress and write callbacks on the download thread, which then abort.
final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    func cancel() {
        flag.store(true, ordering: .relaxed)
    }

    var isCancelled: Bool {
        flag.load(ordering: .relaxed)
    }
}
