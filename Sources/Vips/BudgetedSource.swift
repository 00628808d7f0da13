import CVips
import CVipsShim

/// A libvips source over bytes the caller keeps alive, with the CPU-time
/// budget of one image: every read of the loader and every few tiles of the
/// evaluation charge the CPU time their thread spent, and once the budget is
/// spent reads fail and the evaluation is killed, so a decode that runs too
/// long (a progressive JPEG of thousands of scans, a pathological PNG) ends
/// with an error instead of holding a worker.
///
/// libvips works on its own threads, so the time is the process's CPU time
/// while the image is worked on, shared equally among the images worked on
/// at the same moment: exact for a worker that resizes one image at a time
/// (the default), a fair share when it resizes several. Used by one
/// thumbnail call.
final class BudgetedSource {
    let pointer: UnsafeMutablePointer<VipsSource>
    let seconds: Double

    /// - Parameter raw: must outlive this source (and every image made from it).
    init(_ raw: UnsafeRawBufferPointer, cpuSeconds: Double) throws(VipsError) {
        guard let base = raw.baseAddress, let pointer = msgflo_vips_budgeted_source_new(base, raw.count, cpuSeconds) else {
            throw .decodeFailed(VipsErrorBuffer.take())
        }
        self.pointer = pointer
        self.seconds = cpuSeconds
    }

    deinit { msgflo_vips_source_unref(pointer) }

    /// Charges the evaluation of `image` to this budget, and kills it once spent.
    func watch(_ image: VipsImageHandle) {
        msgflo_vips_budget_watch(image.pointer, pointer)
    }

    var isExceeded: Bool { msgflo_vips_budget_exceeded(pointer) != 0 }

    /// CPU seconds charged so far.
    var used: Double { msgflo_vips_budget_used(pointer) }

    /// `error`, unless the budget ran out: then the failure was this budget's
    /// doing, whatever libvips reported.
    func explain(_ error: VipsError) -> VipsError {
        guard isExceeded else { return error }
        return .cpuTimeExceeded(seconds: seconds)
    }
}
