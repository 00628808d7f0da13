import HTTPServer

/// Who may call a route when the service has a token: `IMAGERESIZE_API_TOKEN`
/// guards every route but `/health`, the demo page itself and `/metrics`;
/// `IMAGERESIZE_METRICS_TOKEN`, when set, guards `/metrics` (so a scraper
/// need not hold the API token).
enum BearerToken {
    /// Throws `APIError.unauthorized` unless `request` carries
    /// `Authorization: Bearer <token>`; passes anything when `token` is nil.
    static func check(_ request: HTTPRequest, token: String?) throws(APIError) {
        guard let token else { return }
        let given = request.headers["Authorization"] ?? ""
        guard matches(given, "Bearer \(token)") else { throw APIError.unauthorized }
    }

    /// Compares in time that depends on the lengths only, not on where the
    /// first difference is: the token is a secret.
    static func matches(_ given: String, _ expected: String) -> Bool {
        var difference = UInt8(given.utf8.count == expected.utf8.count ? 0 : 1)
        for (a, b) in zip(given.utf8, expected.utf8) { difference |= a ^ b }
        return difference == 0
    }
}
