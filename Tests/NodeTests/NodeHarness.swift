import Foundation
import Logging
import NIOCore
import NIOPosix
import Replica
import Security
import Storage
import Sync
@testable import Node

/// A node runtime without sockets: an in-memory replica, the real sync core on a real
/// event loop, and `deliver` called as if a session had authenticated the sender.
final class NodeHarness: @unchecked Sendable {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let admin = SigningIdentity()
    let local = SigningIdentity()
    let peer = SigningIdentity()
    let other = SigningIdentity()
    let runtime: NodeRuntime
    let roster: MembershipRoster
    static let logger = Logger(label: "node-test")

    init() throws {
        func member(_ id: SigningIdentity, _ code: String, _ port: Int) -> MembershipRoster.Member {
            .init(campusCode: code, campusName: code, publicKey: id.publicKey, addresses: ["127.0.0.1:\(port)"], validity: .always)
        }
        roster = try MembershipRoster(epoch: 1, clusterName: "t",
                                      members: [member(local, "MAIN", 1), member(peer, "EAST", 2), member(other, "WEST", 3)])
        let signed = SignedRoster(signing: roster, admin: admin)
        let keyRing = RosterKeyRing(roster: roster, own: local.publicKey)
        let store = try ReplicaStore.inMemory(schema: NodeSchema.current, signer: local, verifier: keyRing, hasher: Blake2b(),
                                              clock: SystemClock(), logger: Self.logger)
        var config = NodeConfig()
        config.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("node-test-\(UUID())").path
        runtime = try NodeRuntime(loop: group.next(), config: config, identity: local, store: store,
                              roster: RosterHolder(signed: signed, roster: roster), keyRing: keyRing, adminKey: admin.publicKey,
                              networkKey: .generate(), seed: 7, logger: Self.logger)
        try runtime.loop.submit { [runtime] in try runtime.startCore(announcing: "127.0.0.1:1") }.wait()
    }

    deinit { try? group.syncShutdownGracefully() }

    /// Batches written by `signer` in a store of its own (as a peer would).
    static func batches(by signer: any BatchSigner, count: Int, text: String = "x") throws -> [SealedBatch] {
        let store = try ReplicaStore.inMemory(schema: NodeSchema.current, signer: signer, verifier: KeyRing(), hasher: Blake2b(),
                                              clock: SystemClock(), logger: logger)
        _ = try DutyLogLoad.write(into: store, campus: "EAST", count: count, text: { "\(text) \($0)" })
        return try store.batches(of: store.currentOrigin(), from: 1, limit: ChunkLimit(batchesMax: count + 1, bytesMax: 1 << 30))
    }

    func push(_ batch: SealedBatch, from site: SiteID) throws {
        try deliverRaw([NodeEnvelope.syncKind] + SyncMessage.push(batch).encoded(), from: site)
    }

    func deliverRaw(_ bytes: [UInt8], from site: SiteID) throws {
        try runtime.loop.submit { [runtime] in runtime.deliver(bytes, from: site) }.wait()
    }

    var refusals: [String: Int] { (try? runtime.loop.submit { [runtime] in runtime.refusals }.wait()) ?? [:] }
    var vector: VersionVector { (try? runtime.store.versionVector()) ?? VersionVector() }
    var rows: Int { (try? runtime.store.stateDigest().rowCount) ?? -1 }
}

/// Signs as one key while claiming another site: what a relay forging a campus's
/// batches would try.
struct ImpostorSigner: BatchSigner {
    let site: SiteID
    let key: SigningIdentity
    var suite: CryptoSuite { .ed25519Blake2b }
    func sign(_ message: [UInt8]) -> [UInt8] { key.sign(message) }
}
