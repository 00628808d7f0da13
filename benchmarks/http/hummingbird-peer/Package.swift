// swift-tools-version: 6.1
// The Hummingbird 2 peer of the HTTPServer benchmark: the same JSON endpoint on
// SwiftNIO, kept in its own package so the main package never depends on it.
import PackageDescription

let package = Package(
    name: "hummingbird-peer",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        .executableTarget(name: "HummingbirdPeer", dependencies: [
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
    ]
)
