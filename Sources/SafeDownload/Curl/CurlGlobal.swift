import CCurl
import CCurlShim

/// `curl_global_init` must run once per process before any handle is made and
/// is not thread-safe itself; a `static let` gives exactly-once initialisation.
enum CurlGlobal {
    static let initialized: Bool = msgflo_curl_global_init() == CURLE_OK
}
