import CCurl
import CCurlShim

#if canImport(Glibc)
    import Glibc
#endif

/// libcurl's C callbacks as non-capturing `@convention(c)` closures: all
/// state comes through the user-data pointer (a `TransferContext`).
enum CurlCallbacks {
    /// Appends body bytes, aborting the transfer (returning a short count makes
    /// libcurl fail with CURLE_WRITE_ERROR) the moment the cap would be passed,
    /// which covers bodies without Content-Length (chunked, close-delimited).
    static let write: curl_write_callback = { data, size, count, user in
        guard let context = TransferContext.from(user) else { return 0 }
        let length = size * count
        if context.isCancelled { return 0 }
        guard context.body.count + length <= context.maxBytes else {
            context.exceededMaxBytes = true
            return 0
        }
        if let data, length > 0 {
            context.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
        }
        return length
    }

    /// Counts response header bytes (all hops' headers arrive here, body
    /// bytes do not) and aborts once they pass `TransferContext.maxHeaderBytes`.
    static let header: curl_write_callback = { _, size, count, user in
        guard let context = TransferContext.from(user) else { return 0 }
        let length = size * count
        context.headerBytes += length
        guard context.headerBytes <= TransferContext.maxHeaderBytes else {
            context.exceededMaxHeaderBytes = true
            return 0
        }
        return length
    }

    /// Called right before every connect, with the address DNS produced
    /// (every redirect hop, every happy-eyeballs attempt, after any DNS
    /// rebinding): the one place an address check cannot be bypassed.
    /// Returning CURL_SOCKET_BAD makes libcurl fail the attempt (CURLE_COULDNT_CONNECT).
    static let openSocket: curl_opensocket_callback = { user, _, address in
        let refuse: curl_socket_t = -1 // CURL_SOCKET_BAD
        guard let context = TransferContext.from(user), let address else { return refuse }
        var bytes = [UInt8](repeating: 0, count: 16)
        var port: UInt16 = 0
        let count = Int(msgflo_curl_sockaddr_ip(address, &bytes, &port))
        guard let ip = IPAddress(bytes: bytes.prefix(count)) else {
            context.refusedUnknownFamily = true
            return refuse
        }
        if !context.hostIsAllowListed, let kind = AddressPolicy.blockedKind(of: ip) {
            context.refusedAddresses.append((ip, kind))
            return refuse
        }
        let family = address.pointee.family
        let type = address.pointee.socktype | Int32(SOCK_CLOEXEC.rawValue)
        return socket(family, type, address.pointee.protocol)
    }

    /// Polled by libcurl about once a second even when idle: lets a cancelled
    /// task stop a stalled transfer without waiting for the timeout.
    static let progress: curl_xferinfo_callback = { user, _, _, _, _ in
        guard let context = TransferContext.from(user) else { return 1 }
        return context.isCancelled ? 1 : 0
    }
}
