import Dispatch

/// An event loop is a task executor, so handler tasks can run on the loop thread
/// that owns their connection (see `HTTPServer.HandlerExecution.eventLoop`).
@available(macOS 15, iOS 18, tvOS 18, watchOS 11, *)
extension EventLoop: TaskExecutor {
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let accepted = executeIfRunning {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
        if !accepted {
            // The loop has stopped (a handler outlived the shutdown grace period):
            // let the shared pool finish the task.
            DispatchQueue.global().async {
                job.runSynchronously(on: globalConcurrentExecutor.asUnownedTaskExecutor())
            }
        }
    }
}
