import Foundation

/// A fixed set of Foundation threads, each owning one `DownloadSession`, fed
/// from a locked FIFO. Blocking libcurl transfers run here and never on
/// Swift's cooperative pool; the thread count bounds transfers in flight.
final class DownloadThreadPool: @unchecked Sendable {
    struct Job {
        let url: String
        let cancellation: CancellationFlag
        let complete: @Sendable (Result<DownloadResult, DownloadError>) -> Void
    }

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [Job] = []
    private var queueHead = 0
    private var isShutDown = false

    init(threads: Int, configuration: DownloadConfiguration, name: String) {
        for index in 0..<max(1, threads) {
            let thread = Thread { [self] in
                self.run(configuration: configuration)
            }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    /// Queues a job; after `shutdown()` it completes at once with `.cancelled`.
    func submit(_ job: Job) {
        condition.lock()
        guard !isShutDown else {
            condition.unlock()
            job.complete(.failure(DownloadError(.cancelled, message: "the downloader was shut down before \(job.url) could be fetched")))
            return
        }
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Stops the threads once the queued jobs are done; running transfers finish.
    func shutdown() {
        condition.lock()
        isShutDown = true
        condition.broadcast()
        condition.unlock()
    }

    private func next() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while queueHead == queue.count && !isShutDown {
            condition.wait()
        }
        guard queueHead < queue.count else { return nil }
        let job = queue[queueHead]
        queueHead += 1
        if queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        }
        return job
    }

    private func run(configuration: DownloadConfiguration) {
        let session = DownloadSession(configuration: configuration)
        while let job = next() {
            let result: Result<DownloadResult, DownloadError>
            do {
                result = .success(try session.download(job.url, cancellation: job.cancellation))
            } catch {
                result = .failure(error)
            }
            job.complete(result)
        }
    }
}
