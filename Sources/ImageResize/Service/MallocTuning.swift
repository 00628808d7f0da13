#if canImport(Glibc)
import Glibc
#endif

/// Memory settings of a resize worker's process.
enum MallocTuning {
    /// Makes glibc serve every allocation of 8 MB or more with its own mmap, so
    /// it goes back to the system when freed.
    ///
    /// Why: decoding a progressive 5120x2880 JPEG takes ~90 MB of coefficient
    /// buffers. With glibc's default, dynamic mmap threshold, the first such
    /// free raises the threshold, later buffers come from the heap and stay
    /// there: a worker's RSS ratchets up with every big photo (212 MB after a
    /// batch instead of 157 MB; 150 MB held while idle instead of 65 MB).
    /// An operator's `MALLOC_MMAP_THRESHOLD_` wins.
    static func returnLargeBuffersToTheSystem(environment: [String: String]) {
        #if canImport(Glibc)
        guard environment["MALLOC_MMAP_THRESHOLD_"] == nil,
              // <malloc.h> is not in Swift's Glibc module: look mallopt up by name.
              let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD
        _ = mallopt(mmapThreshold, 8 << 20)
        #endif
    }
}
