// swift-tools-version:6.1
// MeshDesk: one node per hospital campus, replicas of rosters, tickets and assets
// merged by CRDTs and synced by gossip. Layers, lowest first (docs/architecture.md):
// CSodium → Replica → Security, Storage, Sync → Node → meshdesk.
import PackageDescription

let package = Package(
    name: "MeshDesk",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "meshdesk", targets: ["meshdesk"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
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
        .target(name: "Domain", dependencies: ["Replica", "Storage", "CQREncode", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(
            name: "Storage",
            dependencies: [
                "Replica",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Node",
            dependencies: [
                "Replica", "Security", "Storage", "Domain",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "meshdesk",
            dependencies: [
                "Node", "Domain",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "ReplicaTests", dependencies: ["Replica"]),
        .testTarget(name: "SecurityTests", dependencies: ["Security", "Replica"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "Replica", "Security"]),
        .testTarget(name: "SyncTests", dependencies: ["Sync", "Replica"]),
        .testTarget(name: "DomainTests", dependencies: ["Domain", "Replica", "Storage", "Security"]),
    ]
)
