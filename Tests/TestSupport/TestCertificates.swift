import Foundation

/// A CA made by the test (as a hosted broker's certificate is signed by a
/// public CA), a `localhost` server certificate and a client certificate it
/// signs, and an unrelated CA for the failure cases; made with the openssl CLI.
public struct TestCertificates: Sendable {
    public var ca: String
    public var otherCA: String
    public var serverCertificate: String
    public var serverKey: String
    public var clientCertificate: String
    public var clientKey: String

    /// Writes them into `folder` (created); openssl's progress goes to `openssl.log` there.
    public static func make(in folder: URL) throws -> TestCertificates {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func file(_ name: String) -> String { folder.appendingPathComponent(name).path }
        func openssl(_ arguments: [String]) throws {
            try TestCommand.run(["openssl"] + arguments, log: URL(fileURLWithPath: file("openssl.log")))
        }
        for ca in ["ca", "other-ca"] {
            try openssl([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", file("\(ca).key"),
                "-out", file("\(ca).pem"), "-days", "2", "-subj", "/CN=msgflo test \(ca)",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        }
        for (name, extensions) in [("server", "subjectAltName=DNS:localhost\n"), ("client", "extendedKeyUsage=clientAuth\n")] {
            try openssl([
                "req", "-newkey", "rsa:2048", "-nodes", "-keyout", file("\(name).key"),
                "-out", file("\(name).csr"), "-subj", name == "server" ? "/CN=localhost" : "/CN=msgflo test client",
            ])
            try extensions.write(toFile: file("\(name).ext"), atomically: true, encoding: .utf8)
            try openssl([
                "x509", "-req", "-in", file("\(name).csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"),
                "-CAcreateserial", "-out", file("\(name).pem"), "-days", "2", "-extfile", file("\(name).ext"),
            ])
            // Brokers run as their own user in some setups: let them read the key.
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file("\(name).key"))
        }
        return TestCertificates(
            ca: file("ca.pem"), otherCA: file("other-ca.pem"), serverCertificate: file("server.pem"), serverKey: file("server.key"),
            clientCertificate: file("client.pem"), clientKey: file("client.key"))
    }
}
