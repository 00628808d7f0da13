import TestSupport
import Testing

@testable import MsgFloAMQP

/// Which CA bundle an amqps:// connection loads: URL parameter, then
/// SSL_CERT_FILE, then the first distribution bundle that exists.
@Suite("AMQP CA bundle choice", .logsOnFailure)
struct AMQPCABundleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var query: [String: String]
        var environment: [String: String]
        var existing: [String]
        var expected: AMQPCABundle?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "URL parameter wins", query: ["cacertfile": "/q.pem"], environment: ["SSL_CERT_FILE": "/env.pem"],
            existing: ["/etc/ssl/certs/ca-certificates.crt"], expected: AMQPCABundle(path: "/q.pem", origin: .urlParameter)),
        Case(
            name: "SSL_CERT_FILE before the system bundle", query: [:], environment: ["SSL_CERT_FILE": "/env.pem"],
            existing: ["/etc/ssl/certs/ca-certificates.crt"], expected: AMQPCABundle(path: "/env.pem", origin: .environment)),
        Case(
            name: "an explicit file is kept even when missing", query: [:], environment: ["SSL_CERT_FILE": "/missing.pem"],
            existing: [], expected: AMQPCABundle(path: "/missing.pem", origin: .environment)),
        Case(
            name: "empty values are ignored", query: ["cacertfile": ""], environment: ["SSL_CERT_FILE": ""],
            existing: ["/etc/pki/tls/certs/ca-bundle.crt"],
            expected: AMQPCABundle(path: "/etc/pki/tls/certs/ca-bundle.crt", origin: .distribution)),
        Case(
            name: "Debian's bundle first", query: [:], environment: [:],
            existing: ["/etc/ssl/cert.pem", "/etc/ssl/certs/ca-certificates.crt"],
            expected: AMQPCABundle(path: "/etc/ssl/certs/ca-certificates.crt", origin: .distribution)),
        Case(
            name: "Alpine's bundle when it is the only one", query: [:], environment: [:], existing: ["/etc/ssl/cert.pem"],
            expected: AMQPCABundle(path: "/etc/ssl/cert.pem", origin: .distribution)),
        Case(name: "no bundle anywhere", query: [:], environment: [:], existing: [], expected: nil),
    ]

    @Test(arguments: cases)
    func choosesBundle(_ example: Case) {
        let chosen = AMQPCABundle.resolve(
            query: example.query, environment: example.environment,
            fileExists: { example.existing.contains($0) })
        #expect(chosen == example.expected)
    }

    @Test func hintNamesFileOriginAndFixes() {
        let hint = AMQPCABundle(path: "/env.pem", origin: .environment).verificationHint
        #expect(hint.contains("/env.pem (SSL_CERT_FILE)"))
        #expect(hint.contains("?cacertfile="))
        #expect(hint.contains("?verify=false"))
    }
}
