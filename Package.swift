// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "msgflo-swift",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MsgFlo", targets: ["MsgFlo"]),
        .library(name: "MsgFloAMQP", targets: ["MsgFloAMQP"]),
        .library(name: "MsgFloMQTT", targets: ["MsgFloMQTT"]),
        .library(name: "MsgFloGraph", targets: ["MsgFloGraph"]),
        .library(name: "HTTPServer", targets: ["HTTPServer"]),
        .library(name: "PlatformClients", targets: ["PlatformClients"]),
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

        // Support shared by every module: the one lock, blocking pool,
        // owning-thread inbox, backoff, seeded RNG and shutdown signal.
        .target(name: "Primitives"),

        // Libraries: all the logic lives here.
        // MsgFlo: what every participant links (participant API, discovery,
        // transport protocol and registry, in-process transport).
        .target(name: "MsgFlo", dependencies: [
            "Primitives",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // One transport each, so an MQTT-only user does not link rabbitmq-c.
        .target(name: "MsgFloAMQP", dependencies: [
            "MsgFlo", "Primitives", "CRabbitMQ", "CRabbitMQShim",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "MsgFloMQTT", dependencies: [
            "MsgFlo", "Primitives",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Graph tooling: parser, serializer, binding plans, component library, Procfile.
        .target(name: "MsgFloGraph", dependencies: [
            "MsgFlo", "Primitives",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "HTTPServer", dependencies: [
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Clients of the platform's operations APIs: RabbitMQ management
        // (queue stats, bindings, policies) and Heroku's formation API.
        .target(name: "PlatformClients", dependencies: ["MsgFlo"]),
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
            "PlatformClients", "HTTPServer", "Yams",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "LoadTest", dependencies: [
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "ImageResize", dependencies: [
            "MsgFlo", "MsgFloAMQP", "MsgFloMQTT", "Primitives", "HTTPServer", "PlatformClients", "Postgres", "Vips", "SafeDownload",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Executables: argument parsing and wiring only.
        .executableTarget(name: "MsgFloCLI", dependencies: [
            "MsgFlo", "MsgFloAMQP", "MsgFloMQTT", "MsgFloGraph", "Primitives",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "GuvCLI", dependencies: [
            "Guv", "PlatformClients", "HTTPServer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "ImageResizeCLI", dependencies: [
            "ImageResize", "LoadTest", "MsgFlo", "MsgFloAMQP", "MsgFloMQTT", "PlatformClients", "Primitives",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Helpers every test target shares: brokers, waiting, log capture.
        .target(name: "TestSupport", dependencies: [
            "MsgFlo", "MsgFloAMQP", "MsgFloMQTT", "PlatformClients", "Primitives",
            .product(name: "Logging", package: "swift-log"),
        ], path: "Tests/TestSupport"),
        .testTarget(name: "PrimitivesTests", dependencies: ["Primitives", "TestSupport"]),
        .testTarget(name: "MsgFloTests", dependencies: ["MsgFlo", "Primitives", "TestSupport"]),
        .testTarget(name: "MsgFloAMQPTests", dependencies: ["MsgFloAMQP", "MsgFlo", "Primitives", "TestSupport"]),
        .testTarget(name: "MsgFloMQTTTests", dependencies: ["MsgFloMQTT", "MsgFlo", "MsgFloGraph", "Primitives", "TestSupport"]),
        .testTarget(name: "MsgFloGraphTests", dependencies: ["MsgFloGraph", "MsgFlo", "MsgFloAMQP", "Primitives", "TestSupport"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer"]),
        .testTarget(name: "PlatformClientsTests", dependencies: ["PlatformClients", "MsgFlo", "HTTPServer", "TestSupport"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres"]),
        .testTarget(name: "VipsTests", dependencies: ["Vips"]),
        .testTarget(name: "SafeDownloadTests", dependencies: ["SafeDownload"]),
        .testTarget(name: "GuvTests", dependencies: ["Guv", "PlatformClients", "HTTPServer"]),
        .testTarget(name: "LoadTestTests", dependencies: ["LoadTest"]),
        .testTarget(name: "ImageResizeTests", dependencies: ["ImageResize", "MsgFlo", "MsgFloAMQP", "MsgFloGraph", "PlatformClients", "Primitives", "Postgres", "HTTPServer", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
