import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// How a worker process (resize, store) shares CPU with the processes beside it.
///
/// On one machine that runs the web too, a worker at normal priority makes
/// the web's answers wait: flooded with 200 jobs/s on two cores, POST p99 was
/// 93-379 ms with the workers at nice 19 (Linux's EEVDF scheduler still gives
/// them their slices), 21-29 ms with them in `SCHED_IDLE`, which runs a thread
/// only on a core nothing else wants (`benchmarks/overload`). Opt-in: a worker
/// at idle priority on a machine that is always busy gets nothing done, and on
/// a dyno of its own it changes nothing.
public enum WorkerPriority: String, Sendable, Equatable, CaseIterable {
    case normal
    case idle

    /// Moves every thread of this process into `SCHED_IDLE`; threads started
    /// later inherit it from the ones that start them. Returns how many
    /// threads could not be moved (they exited meanwhile, or the kernel refused).
    @discardableResult
    public func apply(logger: Logger) -> Int {
        guard self == .idle else { return 0 }
        #if os(Linux)
            // Linux's SCHED_IDLE (sched.h defines it only with _GNU_SOURCE,
            // which Swift's Glibc module does not see).
            let schedIdle: Int32 = 5
            var parameters = sched_param()
            parameters.sched_priority = 0
            let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
            var failed = 0
            for name in threads {
                guard let tid = Int32(name) else { continue }
                if sched_setscheduler(tid, schedIdle, &parameters) != 0 { failed += 1 }
            }
            if threads.isEmpty || failed == threads.count {
                logger.warning(
                    "could not run at idle priority; running at normal priority",
                    metadata: ["errno": "\(errno)", "variable": "IMAGERESIZE_WORKER_PRIORITY"])
            } else {
                logger.info("running at idle priority (SCHED_IDLE): this worker takes only CPU nothing else wants")
            }
            return failed
        #else
            logger.warning("idle priority is Linux's SCHED_IDLE; running at normal priority here")
            return 0
        #endif
    }
}
