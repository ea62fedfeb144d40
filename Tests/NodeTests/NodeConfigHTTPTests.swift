import Foundation
import Logging
import Testing
@testable import Node

/// The `[http]` section of `meshdesk.toml`: where a node's dashboard listens, or none.
@Suite("Node config: the HTTP section")
struct NodeConfigHTTPTests {
    func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("meshdesk-config-\(UUID()).toml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func theWrittenFileReadsBackWithItsHTTPAddressAndPeriod() throws {
        var config = NodeConfig()
        config.dataDirectory = "/srv/meshdesk"
        config.httpListen = "127.0.0.1:18080"
        config.passwordChangeDays = 30
        let loaded = try NodeConfig.load(path: try write(config.toml))
        #expect(loaded.httpListen == "127.0.0.1:18080")
        #expect(loaded.passwordChangeDays == 30)
        #expect(loaded == config)
    }

    @Test func enabledFalseMeansNoHTTPAndSurvivesARoundTrip() throws {
        let loaded = try NodeConfig.load(path: try write("[http]\nenabled = false\nlisten = \"127.0.0.1:9000\"\n"))
        #expect(loaded.httpListen == nil)
        #expect(loaded.httpAddress == nil)
        #expect(try NodeConfig.load(path: try write(loaded.toml)).httpListen == nil)
    }

    @Test func aFileWithoutTheSectionKeepsTheDefault() throws {
        let loaded = try NodeConfig.load(path: try write("[node]\ncampus_code = \"EAST\"\n"))
        #expect(loaded.httpListen == NodeConfig.defaultHTTPListen)
        #expect(loaded.passwordChangeDays == 90)
    }

    @Test(arguments: ["[http]\nlisten = \"no-port\"\n", "[http]\nlisten = \"127.0.0.1:70000\"\n",
                      "[http]\npassword_change_days = 99999\n",
                      "[node]\nlisten = \"127.0.0.1:7400\"\n[http]\nlisten = \"127.0.0.1:7400\"\n"])
    func aBadSectionIsRefusedByName(_ text: String) throws {
        #expect(throws: NodeConfig.Failure.self) { try NodeConfig.load(path: try write(text)) }
    }

    @Test func onlyTheDefaultDataDirectoryGetsPort8080WithoutBeingAsked() {
        #expect(NodeConfig.httpListenDefault(dataDirectory: DataDirectory.defaultPath) == "127.0.0.1:8080")
        #expect(NodeConfig.httpListenDefault(dataDirectory: "/tmp/another-node") == nil)
    }
}

/// `NodeService` with a companion (how `meshdesk serve` runs the web server): the
/// companion gets the started node and its replica; when it ends the node stops; when
/// it fails, the failure ends the service.
@Suite("Node service companion", .serialized)
struct NodeServiceCompanionTests {
    struct CompanionFailed: Error {}

    func config() -> NodeConfig {
        var config = NodeConfig()
        config.listen = "127.0.0.1:0"
        config.httpListen = nil
        config.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("node-service-\(UUID())").path
        return config
    }

    @Test func theCompanionSeesTheRunningNodesReplicaAndTheNodeStopsAfterIt() async throws {
        let seen = Seen()
        let service = NodeService(config: config(), logger: Logger(label: "test")) { runtime in
            await seen.set(runtime.listenPort, Int(try runtime.store.versionVector().batchCount))
        }
        try await service.run()
        let (port, batches) = await seen.value
        #expect(port > 0)
        #expect(batches == 0)
    }

    @Test func aFailingCompanionStopsTheNodeAndReportsTheFailure() async throws {
        let service = NodeService(config: config(), logger: Logger(label: "test")) { _ in throw CompanionFailed() }
        await #expect(throws: CompanionFailed.self) { try await service.run() }
    }

    actor Seen {
        var value = (0, -1)
        func set(_ port: Int, _ batches: Int) { value = (port, batches) }
    }
}
