// swift-tools-version: 6.0
// The HTTPServer side of the benchmark: the same JSON endpoint as the Hummingbird
// peer, on this project's HTTPServer module (depended on by path).
import PackageDescription

let package = Package(
    name: "httpserver-peer",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "msgflo-swift", path: "../../.."),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
    ],
    targets: [
        .executableTarget(name: "HTTPServerPeer", dependencies: [
            .product(name: "HTTPServer", package: "msgflo-swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
    ]
)
