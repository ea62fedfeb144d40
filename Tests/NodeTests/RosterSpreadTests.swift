import Foundation
import Logging
import Replica
import Security
import Storage
import Testing
@testable import Node

/// How a roster reaches a node that started with an older one (docs/operations.md: each
/// `cluster add` makes a new epoch, each node starts with the roster of its own add),
/// and what such a node still refuses. Real nodes on loopback sockets.
@Suite("Roster spread", .serialized)
struct RosterSpreadTests {
    static let logger = Logger(label: "roster-spread-test")
    let admin = SigningIdentity()
    let networkKey = NetworkKey.generate()

    func member(_ id: SigningIdentity, _ code: String, port: Int) -> MembershipRoster.Member {
        .init(campusCode: code, campusName: code, publicKey: id.publicKey, addresses: ["127.0.0.1:\(port)"], validity: .always)
    }

    func cluster(_ roster: MembershipRoster, signedBy signer: SigningIdentity? = nil) -> NodeBoot.Cluster {
        NodeBoot.Cluster(networkKey: networkKey, adminKey: admin.publicKey,
                         signedRoster: SignedRoster(signing: roster, admin: signer ?? admin), roster: roster)
    }

    func config(_ code: String, _ directory: URL) -> NodeConfig {
        var config = NodeConfig()
        config.campusCode = code
        config.listen = "127.0.0.1:0"
        config.dataDirectory = directory.appendingPathComponent(code).path
        config.httpListen = nil
        config.gossipIntervalMillis = 100
        config.probeIntervalMillis = 200
        config.compactionEnabled = false
        return config
    }

    func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("roster-spread-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Polls `condition` on the node's loop every 50 ms for up to `seconds`.
    func eventually(_ node: NodeRuntime, seconds: Double = 15, _ condition: @escaping @Sendable (NodeRuntime) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try await node.loop.submit({ condition(node) }).get() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Scratch directories go; a failure to remove one is reported, not hidden.
    static func remove(_ path: String) {
        do { try FileManager.default.removeItem(atPath: path) } catch { print("could not remove \(path): \(error)") }
    }

    static func established(_ node: NodeRuntime) -> Int {
        node.runtimeStatus().peers.filter { $0.session == "established" }.count
    }

    @Test func aNodeWithAnOlderRosterLearnsTheNewerOneFromThePeerItWouldHaveRefused() async throws {
        let directory = try scratch()
        defer { Self.remove(directory.path) }
        let a = SigningIdentity(), b = SigningIdentity()
        let loopsA = NodeBoot.Loops(), loopsB = NodeBoot.Loops()
        // A starts with the roster of its own `cluster add`: only itself (epoch 1).
        let nodeA = try await NodeBoot.start(config: config("MAIN", directory), identity: a,
                                             cluster: cluster(try MembershipRoster(epoch: 1, clusterName: "t", members: [member(a, "MAIN", port: 1)])),
                                             loops: loopsA, logger: Self.logger)
        // B was added next (epoch 2: A and B) and dials A, which does not know B.
        let epoch2 = try MembershipRoster(epoch: 2, clusterName: "t",
                                          members: [member(a, "MAIN", port: nodeA.listenPort), member(b, "EAST", port: 1)])
        let nodeB = try await NodeBoot.start(config: config("EAST", directory), identity: b, cluster: cluster(epoch2),
                                             loops: loopsB, logger: Self.logger)
        _ = try DutyLogLoad.write(into: nodeB.store, campus: "EAST", count: 3, text: { "from B \($0)" })
        let origin = try nodeB.store.currentOrigin()

        #expect(try await eventually(nodeA) { $0.roster.epoch == 2 && Self.established($0) == 1 })
        #expect(try await eventually(nodeA) { node in
            do { return try node.store.versionVector()[origin] == 3 } catch { Issue.record("\(error)"); return false }
        })
        // Saved, so a restart keeps it.
        #expect(try ClusterFiles.loadRoster(nodeA.config.path(nodeA.config.roster)).verify(adminKey: admin.publicKey).epoch == 2)
        await nodeB.stop(); await nodeA.stop()
        await loopsB.shutdown(); await loopsA.shutdown()
    }

    @Test func aRevokedKeyOrAForgedOrOlderRosterAdmitsNobody() async throws {
        let directory = try scratch()
        defer { Self.remove(directory.path) }
        let a = SigningIdentity(), revoked = SigningIdentity(), stranger = SigningIdentity(), forger = SigningIdentity()
        let loops = (0..<4).map { _ in NodeBoot.Loops() }
        // A holds epoch 3, which revoked `revoked`; `stranger` was never a member.
        let epoch3 = try MembershipRoster(epoch: 3, clusterName: "t", members: [member(a, "MAIN", port: 1)],
                                          revokedKeys: [revoked.publicKey])
        let nodeA = try await NodeBoot.start(config: config("MAIN", directory), identity: a, cluster: cluster(epoch3),
                                             loops: loops[0], logger: Self.logger)
        let port = nodeA.listenPort
        // The revoked node still holds epoch 2, which listed it.
        let epoch2 = try MembershipRoster(epoch: 2, clusterName: "t",
                                          members: [member(a, "MAIN", port: port), member(revoked, "EAST", port: 1)])
        let nodeR = try await NodeBoot.start(config: config("EAST", directory), identity: revoked, cluster: cluster(epoch2),
                                             loops: loops[1], logger: Self.logger)
        // The stranger presents a high epoch listing itself, signed by some other key.
        let forged = try MembershipRoster(epoch: 9, clusterName: "t",
                                          members: [member(a, "MAIN", port: port), member(stranger, "WEST", port: 1)])
        var strangerCluster = cluster(forged, signedBy: forger)
        strangerCluster.adminKey = forger.publicKey
        let nodeS = try await NodeBoot.start(config: config("WEST", directory), identity: stranger, cluster: strangerCluster,
                                             loops: loops[2], logger: Self.logger)
        // And another stranger shows an older genuine roster: epoch 2 does not list it either.
        let other = SigningIdentity()
        let older = try MembershipRoster(epoch: 2, clusterName: "t",
                                         members: [member(a, "MAIN", port: port), member(other, "NORTH", port: 1)])
        let nodeO = try await NodeBoot.start(config: config("NORTH", directory), identity: other, cluster: cluster(older),
                                             loops: loops[3], logger: Self.logger)

        #expect(try await eventually(nodeA) { ($0.refusals["session_handshake_not_allowed"] ?? 0) >= 3 && ($0.refusals["roster_refused"] ?? 0) >= 1 })
        let (epoch, established, failedRosters) = try await nodeA.loop.submit {
            (nodeA.roster.epoch, Self.established(nodeA), nodeA.roster.roster?.isRevoked(revoked.publicKey))
        }.get()
        #expect(epoch == 3)
        #expect(established == 0)
        #expect(failedRosters == true)
        #expect(try nodeA.store.versionVector().batchCount == 0)
        for node in [nodeO, nodeS, nodeR, nodeA] { await node.stop() }
        for l in loops { await l.shutdown() }
    }

    @Test func anAcceptedRosterWhoseFileCannotBeWrittenIsRetriedUntilSaved() throws {
        let node = try NodeHarness()
        let config = node.runtime.config
        let path = config.path(config.roster)
        // A directory where the file should be: the atomic rename fails, as on a full or
        // read-only disk.
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { Self.remove(config.dataDirectory) }
        let members = node.roster.members.filter { $0.publicKey != node.other.publicKey }
        let revoking = try MembershipRoster(epoch: 2, clusterName: "t", members: members, revokedKeys: [node.other.publicKey])
        let signed = SignedRoster(signing: revoking, admin: node.admin)
        try node.deliverRaw(NodeEnvelope.roster(signed).encoded(), from: node.peer.site)
        #expect(node.runtime.roster.epoch == 2, "in force at once, file or not")
        #expect(node.refusals["roster_write_failed"] == 1)
        let unsaved = try node.runtime.loop.submit { [runtime = node.runtime] in runtime.runtimeStatus().roster_unsaved_epoch }.wait()
        #expect(unsaved == 2, "status says the roster in force is not on disk")
        try FileManager.default.removeItem(atPath: path)
        try node.runtime.loop.submit { [runtime = node.runtime] in runtime.reloadRosterFile() }.wait()
        let saved = try ClusterFiles.loadRoster(path).verify(adminKey: node.admin.publicKey)
        #expect(saved.epoch == 2 && saved.isRevoked(node.other.publicKey))
        #expect(node.refusals["roster_write_failed"] == 1, "counted once, not once per retry")
        let saved2 = try node.runtime.loop.submit { [runtime = node.runtime] in runtime.runtimeStatus().roster_unsaved_epoch }.wait()
        #expect(saved2 == nil, "and says so no more once saved")
    }
}
