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
              let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD
        _ = mallopt(mmapThreshold, 1 << 20)
        #endif
    }
}
