// swift-tools-version:6.1
// MeshDesk: one node per hospital campus, replicas of rosters, tickets and assets
// merged by CRDTs and synced by gossip. Layers, lowest first (docs/architecture.md):
// CSodium → Replica → Security, Storage, Sync → Domain → Node → Server → meshdesk.
import PackageDescription

let package = Package(
    name: "MeshDesk",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "meshdesk", targets: ["meshdesk"]),
        .executable(name: "meshdesk-sim", targets: ["meshdesk-sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Zip container of the 月考勤表 .xlsx export (Server/Web/Attendance/SpreadsheetWriter.swift).
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        // multipart/form-data of a ticket's attachment upload (Server/Web/MultipartForm.swift).
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        // Webhook channels of notifications (Server/Notifications/Channels).
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        // Debian's libqrencode: QR labels for asset tags (Domain/Assets/AssetLabel.swift).
        .systemLibrary(
            name: "CQREncode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        .target(name: "Replica"),
        .target(name: "Security", dependencies: ["CSodium", "Replica"]),
        .target(name: "Sync", dependencies: ["Replica"]),
        .target(
            name: "Domain",
            dependencies: ["Replica", "Storage", "CQREncode", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Resources/calendars")]
        ),
        .target(
            name: "Storage",
            dependencies: [
                "Replica",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "ReplicaSync", dependencies: ["Replica", "Storage", "Sync"]),
        .target(
            name: "Transport",
            dependencies: [
                "Replica", "Sync", "Security",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "Node",
            dependencies: [
                "Replica", "ReplicaSync", "Security", "Storage", "Sync", "Transport", "Domain",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .target(
            name: "Server",
            dependencies: [
                "Replica", "Security", "Storage", "Domain", "Node",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "meshdesk",
            dependencies: [
                "Node", "Domain", "Security", "Server",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "SimulationKit",
            dependencies: [
                "Replica", "Storage", "Sync", "ReplicaSync", "Security",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Simulation/Sources/SimulationKit"
        ),
        .executableTarget(
            name: "meshdesk-sim",
            dependencies: ["SimulationKit", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Simulation/Sources/meshdesk-sim"
        ),
        .testTarget(name: "ReplicaTests", dependencies: ["Replica"]),
        .testTarget(name: "SecurityTests", dependencies: ["Security", "Replica"]),
        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage", "Replica", "Security", .product(name: "InMemoryLogging", package: "swift-log")]
        ),
        .testTarget(name: "SyncTests", dependencies: ["Sync", "Replica"]),
        .testTarget(name: "DomainTests", dependencies: ["Domain", "Replica", "Storage", "Security"]),
        .testTarget(
            name: "TransportTests",
            dependencies: [
                "Transport", "Sync", "Security", "Replica",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "NodeTests",
            dependencies: [
                "Node", "ReplicaSync", "Replica", "Storage", "Sync", "Security", "Transport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "SimulationTests",
            dependencies: ["SimulationKit", "Replica", "Sync"],
            path: "Simulation/Tests/SimulationTests"
        ),
        .testTarget(
            name: "ReplicaSyncTests",
            dependencies: [
                "ReplicaSync", "Replica", "Storage", "Sync", "Security",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Domain", "Replica", "Storage", "Security", "Node",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
    ]
)
