/// The state libcurl's C callbacks read and write during one hop of a
/// transfer. Owned by a `DownloadSession`; callbacks reach it through the
/// `void *` user-data pointer and only ever run on the session's thread,
/// inside `curl_easy_perform`.
final class TransferContext {
    var body: [UInt8] = []
    var maxBytes: Int
    /// Set by the write callback when the body would pass `maxBytes`.
    var exceededMaxBytes = false
    /// Response header bytes of this hop, capped at `maxHeaderBytes`.
    var headerBytes = 0
    /// Set by the header callback when headers pass `maxHeaderBytes`.
    var exceededMaxHeaderBytes = false
    /// A header section larger than this is refused as too large: no image
    /// host needs it, and it bounds what libcurl buffers for its header API.
    static let maxHeaderBytes = 64 * 1024
    /// True while fetching a URL whose host is allow-listed: its addresses skip the policy.
    var hostIsAllowListed = false
    /// Addresses the open-socket callback refused during this hop.
    var refusedAddresses: [(address: IPAddress, kind: BlockedAddressKind)] = []
    /// Set when the family was neither IPv4 nor IPv6.
    var refusedUnknownFamily = false
    var cancellation: CancellationFlag?

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    /// Clears per-hop state before a `curl_easy_perform`.
    func startHop(hostIsAllowListed: Bool, cancellation: CancellationFlag?) {
        body = []
        exceededMaxBytes = false
        headerBytes = 0
        exceededMaxHeaderBytes = false
        self.hostIsAllowListed = hostIsAllowListed
        refusedAddresses.removeAll()
        refusedUnknownFamily = false
        self.cancellation = cancellation
    }

    var isCancelled: Bool {
        cancellation?.isCancelled ?? false
    }

    var opaquePointer: UnsafeMutableRawPointer {
        Unmanaged.passUnretained(self).toOpaque()
    }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> TransferContext? {
        pointer.map { Unmanaged<TransferContext>.fromOpaque($0).takeUnretainedValue() }
    }
}
