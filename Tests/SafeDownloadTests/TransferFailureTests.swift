import CCurl
import CCurlShim
import TestSupport
import Testing

@testable import SafeDownload

/// How libcurl results plus our callback flags become reason codes.
@Suite(.logsOnFailure) struct TransferFailureTests {
    static let loopback = (address: IPAddress.v4(0x7F00_0001), kind: BlockedAddressKind.loopback)

    static let cases: [(TransferFailure, DownloadError.Code)] = [
        (failure(CURLE_FILESIZE_EXCEEDED), .tooLarge),
        (failure(CURLE_WRITE_ERROR, exceeded: true), .tooLarge),
        (failure(CURLE_WRITE_ERROR), .downloadFailed),
        (TransferFailure(code: CURLE_WRITE_ERROR, detail: "", url: "http://example.com/a.png", exceededMaxHeaderBytes: true), .tooLarge),
        (failure(CURLE_WRITE_ERROR, cancelled: true), .cancelled),
        (failure(CURLE_ABORTED_BY_CALLBACK, cancelled: true), .cancelled),
        (failure(CURLE_OPERATION_TIMEDOUT), .timeout),
        (failure(CURLE_COULDNT_CONNECT, refused: [loopback]), .forbiddenAddress),
        (failure(CURLE_COULDNT_CONNECT), .downloadFailed),
        (failure(CURLE_COULDNT_RESOLVE_HOST), .downloadFailed),
        (failure(CURLE_SSL_CONNECT_ERROR), .downloadFailed),
        (failure(CURLE_PEER_FAILED_VERIFICATION), .downloadFailed),
        (failure(CURLE_RECV_ERROR), .downloadFailed),
        (failure(CURLE_UNSUPPORTED_PROTOCOL), .unsupportedScheme),
        (failure(CURLE_URL_MALFORMAT), .invalidURL),
        (failure(CURLE_TOO_MANY_REDIRECTS), .tooManyRedirects),
    ]

    static func failure(
        _ code: CURLcode, exceeded: Bool = false, cancelled: Bool = false,
        refused: [(address: IPAddress, kind: BlockedAddressKind)] = []
    ) -> TransferFailure {
        TransferFailure(
            code: code, detail: "detail", url: "http://example.com/a.png",
            exceededMaxBytes: exceeded, refusedAddresses: refused, cancelled: cancelled
        )
    }

    @Test(arguments: cases)
    func mapsToReasonCode(_ failure: TransferFailure, _ expected: DownloadError.Code) {
        let error = failure.error(configuration: DownloadConfiguration())
        #expect(error.code == expected)
        #expect(error.message.contains("http://example.com/a.png"))
    }

    /// The kind of address and what to do, never the address a name resolved to.
    @Test func forbiddenMessageNamesTheKindAndTheAllowListVariable() {
        let error = Self.failure(CURLE_COULDNT_CONNECT, refused: [Self.loopback]).error(configuration: DownloadConfiguration())
        #expect(error.message.contains("internal address (loopback)"))
        #expect(!error.message.contains("127.0.0.1"))
        #expect(error.message.contains("IMAGERESIZE_ALLOW_HOSTS"))
    }

    @Test func reasonStringsMatchTheService() {
        #expect(
            DownloadError.Code.allCases.map(\.rawValue) == [
                "download_failed", "http_status", "too_large", "timeout", "forbidden_address",
                "too_many_redirects", "unsupported_scheme", "invalid_url", "cancelled",
            ])
    }
}
