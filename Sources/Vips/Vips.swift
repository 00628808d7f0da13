import CVips
import CVipsShim
import Synchronization

/// Process-wide libvips set-up.
///
/// libvips must be initialised exactly once, single-threaded, before any other
/// call; everything here is safe to call from many threads afterwards. Every
/// libvips call blocks (decoding a large photo takes tens of milliseconds), so
/// callers run them on dedicated threads (the Primitives `BlockingPool`), never on
/// Swift's cooperative pool.
public enum Vips {
    private static let state = Mutex<Bool>(false)

    /// Initialises libvips for a server: no operation cache (a server sees
    /// each image once, caching only holds memory), `concurrency` worker
    /// threads per pipeline (nil keeps libvips' default, `VIPS_CONCURRENCY` or
    /// the core count), and untrusted loaders (ImageMagick, MATLAB, FITS...)
    /// blocked, since inputs come from the internet.
    ///
    /// Later calls only change the concurrency: libvips cannot be re-initialised.
    public static func initialize(concurrency: Int? = nil) throws(VipsError) {
        try state.withLock { (initialized: inout Bool) throws(VipsError) in
            if !initialized {
                if msgflo_vips_init("msgflo-vips") != 0 {
                    throw VipsError.initializationFailed(VipsErrorBuffer.take())
                }
                vips_cache_set_max(0)
                vips_block_untrusted_set(1)
                initialized = true
            }
            if let concurrency { vips_concurrency_set(Int32(max(1, concurrency))) }
        }
    }

    /// Initialises with defaults if nobody did, so a forgotten `initialize`
    /// costs defaults rather than a crash.
    static func ensureInitialized() throws(VipsError) {
        if state.withLock({ $0 }) { return }
        try initialize()
    }

    /// Frees libvips' per-thread buffers. Call it on a thread that used
    /// libvips just before that thread exits (long-lived pool threads need not).
    public static func releaseThreadResources() {
        vips_thread_shutdown()
    }

    /// Threads each pipeline uses.
    public static var concurrency: Int { Int(vips_concurrency_get()) }

    /// The linked libvips version, e.g. "8.14.1".
    public static var version: String {
        "\(vips_version(0)).\(vips_version(1)).\(vips_version(2))"
    }
}
