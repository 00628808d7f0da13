/// The CA bundle an `amqps://` or `mqtts://` connection verifies the
/// broker's certificate against; one rule for both transports.
///
/// rabbitmq-c before 0.14 (Debian 12 and Ubuntu 24.04 ship 0.11) never loads
/// OpenSSL's default trust store: without a CA file every certificate fails
/// verification, so a hosted broker (CloudAMQP) would be unreachable. The
/// bundle is therefore chosen here, in this order: the URL's `cacertfile`
/// parameter, `SSL_CERT_FILE` (OpenSSL's own variable for the same thing),
/// then the first distribution bundle that exists.
package struct CABundle: Equatable, Sendable {
    /// Where the path came from, named in error messages so the user knows what to change.
    package enum Origin: Equatable, Sendable {
        case urlParameter
        case environment
        case distribution

        package var description: String {
            switch self {
            case .urlParameter: return "the URL's cacertfile parameter"
            case .environment: return "SSL_CERT_FILE"
            case .distribution: return "the system CA bundle"
            }
        }
    }

    package var path: String
    package var origin: Origin

    package init(path: String, origin: Origin) {
        self.path = path
        self.origin = origin
    }

    /// Debian/Ubuntu (and so Heroku's stacks and the container image),
    /// Fedora/RHEL, openSUSE, Alpine: the places OpenSSL's own builds look.
    package static let distributionBundles = [
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/ssl/ca-bundle.pem",
        "/etc/ssl/cert.pem",
    ]

    /// The bundle to load, or nil when none is named and none of the
    /// distribution bundles exists. An explicit choice is returned even when
    /// the file is missing, so loading it fails with its path in the message
    /// instead of silently falling back to another bundle.
    package static func resolve(
        query: [String: String], environment: [String: String],
        fileExists: (String) -> Bool
    ) -> CABundle? {
        if let path = query["cacertfile"], !path.isEmpty { return CABundle(path: path, origin: .urlParameter) }
        if let path = environment["SSL_CERT_FILE"], !path.isEmpty { return CABundle(path: path, origin: .environment) }
        return distributionBundles.first(where: fileExists).map { CABundle(path: $0, origin: .distribution) }
    }

    /// What to say when the broker's certificate did not verify against this bundle.
    package var verificationHint: String {
        "the broker's certificate is not signed by a CA in \(path) (\(origin.description)); "
            + "point SSL_CERT_FILE or ?cacertfile= at the CA that signed it, or add ?verify=false to skip verification (insecure)"
    }
}
