#if canImport(Glibc)
    import Glibc
#endif

/// Memory settings of a resize worker's process.
enum MallocTuning {
    /// Makes glibc serve every allocation of 1 MB or more with its own mmap,
    /// so it goes back to the system when freed.
    ///
    /// Why: decoding a progressive 5120x2880 JPEG takes ~90 MB of coefficient
    /// buffers. With glibc's default, dynamic threshold (or any threshold above
    /// those buffers' sizes) they are reused from the heap and a worker's peak
    /// RSS wanders with the order of the photos: 160-270 MB measured with
    /// benchmarks/imageresize at one image at a time. At 1 MB it stays at
    /// 157-191 MB, for ~15% more CPU per image in page faults and zeroing.
    /// An operator's `MALLOC_MMAP_THRESHOLD_` wins.
    static func returnLargeBuffersToTheSystem(environment: [String: String]) {
        #if canImport(Glibc)
            guard environment["MALLOC_MMAP_THRESHOLD_"] == nil,
                // <malloc.h> is not in Swift's Glibc module: look mallopt up by name.
                let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt")
            else { return }
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            let mmapThreshold: Int32 = -3 // M_MMAP_THRESHOLD
            _ = mallopt(mmapThreshold, 1 << 20)
        #endif
    }

    /// The glibc tunable that makes malloc ask for transparent huge pages on
    /// the memory it maps (glibc 2.35+; harmless where THP is off).
    static let hugePagesTunable = "glibc.malloc.hugetlb=1"

    /// Re-executes this process once with `GLIBC_TUNABLES` asking for huge
    /// pages, since glibc reads tunables only at start-up.
    ///
    /// Why: the 1 MB mmap threshold above costs thousands of 4 kB page faults
    /// per big photo; with huge pages a resize worker measured 59 instead of
    /// 72 CPU ms per image at the same peak RSS (benchmarks/imageresize).
    /// Keeps the pid, so launchers and formations see the same process. An
    /// operator's own `GLIBC_TUNABLES` is kept and extended, never replaced.
    static func reexecWithHugePagesIfNeeded(environment: [String: String]) {
        #if canImport(Glibc)
            let current = environment["GLIBC_TUNABLES"] ?? ""
            guard !current.contains("glibc.malloc.hugetlb"), environment["IMAGERESIZE_NO_REEXEC"] == nil else { return }
            let tunables = current.isEmpty ? hugePagesTunable : current + ":" + hugePagesTunable
            setenv("GLIBC_TUNABLES", tunables, 1)
            setenv("IMAGERESIZE_NO_REEXEC", "1", 1) // never loop, even if glibc ignores the tunable
            execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only reached when exec failed: run on without huge pages.
        #endif
    }
}
