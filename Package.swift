// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "msgflo-swift",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MsgFlo", targets: ["MsgFlo"]),
        .library(name: "HTTPServer", targets: ["HTTPServer"]),
        .library(name: "Guv", targets: ["Guv"]),
        .library(name: "ImageResize", targets: ["ImageResize"]),
        .executable(name: "msgflo", targets: ["MsgFloCLI"]),
        .executable(name: "guv", targets: ["GuvCLI"]),
        .executable(name: "imageresize", targets: ["ImageResizeCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // C libraries, wrapped as little as possible.
        .systemLibrary(name: "CRabbitMQ", pkgConfig: "librabbitmq", providers: [.apt(["librabbitmq-dev"])]),
        .target(name: "CRabbitMQShim", dependencies: ["CRabbitMQ"]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CVips", pkgConfig: "vips", providers: [.apt(["libvips-dev"])]),
        .target(name: "CVipsShim", dependencies: ["CVips"]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "CCurlShim", dependencies: ["CCurl"]),

        // Libraries: all the logic lives here.
        .target(name: "MsgFlo", dependencies: [
            "CRabbitMQ", "CRabbitMQShim",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "MsgFloRuntime", dependencies: [
            "MsgFlo",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "HTTPServer", dependencies: [
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Postgres", dependencies: [
            "CLibPQ",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Vips", dependencies: ["CVips", "CVipsShim"]),
        .target(name: "SafeDownload", dependencies: [
            "CCurl", "CCurlShim",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Guv", dependencies: [
            "Yams",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "LoadTest", dependencies: [
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "ImageResize", dependencies: [
            "MsgFlo", "HTTPServer", "Postgres", "Vips", "SafeDownload",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Executables: argument parsing and wiring only.
        .executableTarget(name: "MsgFloCLI", dependencies: [
            "MsgFlo",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "GuvCLI", dependencies: [
            "Guv",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "ImageResizeCLI", dependencies: [
            "ImageResize", "LoadTest", "MsgFlo",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        .testTarget(name: "MsgFloTests", dependencies: ["MsgFlo"]),
        .testTarget(name: "MsgFloRuntimeTests", dependencies: ["MsgFloRuntime", "MsgFlo", "Yams"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres"]),
        .testTarget(name: "VipsTests", dependencies: ["Vips"]),
        .testTarget(name: "SafeDownloadTests", dependencies: ["SafeDownload"]),
        .testTarget(name: "GuvTests", dependencies: ["Guv"]),
        .testTarget(name: "LoadTestTests", dependencies: ["LoadTest"]),
        .testTarget(name: "ImageResizeTests", dependencies: ["ImageResize", "MsgFlo", "Postgres", "HTTPServer"]),
    ],
    swiftLanguageModes: [.v6]
)
