// swift-tools-version: 6.0
import PackageDescription

// Builds on Linux only, which is what it is deployed on (Heroku's Ubuntu
// stacks, Swift 6 Linux toolchains): the sources import Glibc, the HTTP server
// waits on sockets with epoll, and the C targets link libvips, rabbitmq-c,
// libpq and libcurl through pkg-config. macOS has no epoll, so the package does
// not build there, and `platforms` names no Apple OS (a `.macOS(...)` entry
// would promise a port that does not exist; SwiftPM has no entry for Linux).
let package = Package(
    name: "msgflo-swift",
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
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
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
        .target(name: "CEpoll"),
        // OpenSSL for mqtts:// (rabbitmq-c brings its own TLS for amqps://).
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .target(name: "COpenSSLShim", dependencies: ["COpenSSL"]),

        // Support shared by every module: the one lock, blocking pool,
        // owning-thread inbox, backoff, seeded RNG, monotonic clock, percentiles
        // and the process lifecycle (services run until SIGTERM/SIGINT, then
        // shut down in order).
        .target(
            name: "Primitives",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),

        // Libraries: all the logic lives here.
        // MsgFlo: what every participant links (participant API, discovery,
        // transport protocol and registry, in-process transport).
        .target(
            name: "MsgFlo",
            dependencies: [
                "Primitives",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // One transport each, so an MQTT-only user does not link rabbitmq-c.
        .target(
            name: "MsgFloAMQP",
            dependencies: [
                "MsgFlo", "Primitives", "CRabbitMQ", "CRabbitMQShim",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "MsgFloMQTT",
            dependencies: [
                "MsgFlo", "Primitives", "COpenSSL", "COpenSSLShim",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Graph tooling: parser, serializer, binding plans, component library, Procfile.
        .target(
            name: "MsgFloGraph",
            dependencies: [
                "MsgFlo", "Primitives",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The FBP runtime: an I/O-free coordinator (Coordinator, Editing,
        // Protocol, Persistence, Sampling) and the shell that runs it (Host):
        // WebSocket server, broker actions, taps, processes, queue statistics.
        .target(
            name: "MsgFloRuntime",
            dependencies: [
                "MsgFlo", "MsgFloGraph", "PlatformClients", "HTTPServer", "Primitives",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [
                // The live graph page, compiled into the binary (see ImageResize's DemoPage).
                .embedInCode("Page/graph.html")
            ]),
        // Clients of the platform's operations APIs: RabbitMQ management
        // (queue stats, bindings, policies) and Heroku's formation API.
        .target(name: "PlatformClients", dependencies: ["MsgFlo"]),
        .target(
            name: "HTTPServer",
            dependencies: [
                "Primitives", "CEpoll",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ", "Primitives",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "Vips", dependencies: ["CVips", "CVipsShim"]),
        .target(
            name: "SafeDownload",
            dependencies: [
                "CCurl", "CCurlShim", "Primitives",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "Guv",
            dependencies: [
                "Primitives", "PlatformClients", "HTTPServer", "Yams",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .target(
            name: "LoadTest",
            dependencies: [
                "Primitives",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "ImageResize",
            dependencies: [
                "MsgFlo", "MsgFloAMQP", "MsgFloMQTT", "MsgFloRuntime", "Primitives", "HTTPServer", "PlatformClients", "Postgres", "Vips",
                "SafeDownload",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [
                // Compiled into the binary as bytes, not copied into a resource
                // bundle: `Bundle.module` on Linux looks for the bundle only beside
                // the executable or at the absolute build path, and traps when both
                // are gone (an executable copied out of `.build`, an older buildpack
                // that did not copy `*.resources` into the slug).
                .embedInCode("Web/DemoPage.html")
            ]),

        // Executables: argument parsing and wiring only.
        .executableTarget(
            name: "MsgFloCLI",
            dependencies: [
                "MsgFlo", "MsgFloAMQP", "MsgFloMQTT", "MsgFloGraph", "MsgFloRuntime", "PlatformClients", "HTTPServer", "Primitives",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(
            name: "GuvCLI",
            dependencies: [
                "Guv", "Primitives", "PlatformClients", "HTTPServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(
            name: "ImageResizeCLI",
            dependencies: [
                "ImageResize", "LoadTest", "MsgFlo", "MsgFloAMQP", "MsgFloMQTT", "PlatformClients", "Primitives",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),

        // Helpers every test target shares: brokers, waiting, log capture.
        .target(
            name: "TestSupport",
            dependencies: [
                "MsgFlo", "MsgFloAMQP", "MsgFloMQTT", "PlatformClients", "Primitives", "HTTPServer",
                .product(name: "Logging", package: "swift-log"),
            ], path: "Tests/TestSupport"),
        .testTarget(name: "PrimitivesTests", dependencies: ["Primitives", "TestSupport"]),
        .testTarget(
            name: "MsgFloTests",
            dependencies: [
                "MsgFlo", "Primitives", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(name: "MsgFloAMQPTests", dependencies: ["MsgFloAMQP", "MsgFlo", "Primitives", "TestSupport"]),
        .testTarget(name: "MsgFloMQTTTests", dependencies: ["MsgFloMQTT", "MsgFlo", "MsgFloGraph", "Primitives", "TestSupport"]),
        .testTarget(name: "MsgFloGraphTests", dependencies: ["MsgFloGraph", "MsgFlo", "MsgFloAMQP", "Primitives", "TestSupport"]),
        .testTarget(
            name: "HTTPServerTests",
            dependencies: [
                "HTTPServer", "Primitives", "TestSupport", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "MsgFloRuntimeTests",
            dependencies: [
                "MsgFloRuntime", "MsgFlo", "MsgFloGraph", "MsgFloAMQP", "MsgFloMQTT", "PlatformClients", "HTTPServer",
                "Primitives", "TestSupport", "Yams",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(name: "PlatformClientsTests", dependencies: ["PlatformClients", "MsgFlo", "HTTPServer", "TestSupport"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(name: "VipsTests", dependencies: ["Vips", "TestSupport"]),
        .testTarget(name: "SafeDownloadTests", dependencies: ["SafeDownload", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "GuvTests",
            dependencies: [
                "Guv", "PlatformClients", "Primitives", "HTTPServer", "TestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(name: "LoadTestTests", dependencies: ["LoadTest", "TestSupport"]),
        .testTarget(
            name: "ImageResizeTests",
            dependencies: [
                "ImageResize", "MsgFlo", "MsgFloAMQP", "MsgFloGraph", "PlatformClients", "Primitives", "Postgres", "HTTPServer", "Vips",
                "TestSupport",
            ]),
    ],
    swiftLanguageModes: [.v6]
)
