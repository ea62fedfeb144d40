import Foundation
import Logging
import NIOCore
import NIOPosix
import Replica
import Security
import Storage
import Synchronization
import Transport

/// `meshdesk rebuild`: recreates a wiped node's replica from a peer's snapshot over the
/// normal authenticated, encrypted session. The node keeps its identity and cluster
/// files; its replica is gone. The snapshot is received into a file in the data
/// directory, checked whole (structure, counts, content hash), then installed into a
/// fresh replica in one transaction, and the node starts a new epoch.
public enum NodeRebuild {
    public struct Progress: Sendable {
        public let bytes: UInt64
        public let rows: UInt64
        public let rowsTotal: UInt64?
        public let seconds: Double

        public var fraction: Double? { rowsTotal.map { $0 == 0 ? 1 : min(1, Double(rows) / Double($0)) } }
        public var bytesPerSecond: Double { seconds > 0 ? Double(bytes) / seconds : 0 }
    }

    public struct Report: Codable, Sendable {
        public let peer: String
        public let site: String
        public let epoch: UInt32
        public let batches: UInt64
        public let rows: UInt64
        public let bytes: UInt64
        public let transferSeconds: Double
        public let installSeconds: Double
    }

    public enum Failure: Error, CustomStringConvertible {
        case replicaExists(String)
        case noPeer(String)
        case peerRefused(String)
        case sessionEnded(String)
        case protocolViolation(String)
        case timeout(String)

        public var description: String {
            switch self {
            case let .replicaExists(path): "\(path) exists: rebuild only recreates a wiped replica (move it aside first)"
            case let .noPeer(reason): "no peer to rebuild from: \(reason)"
            case let .peerRefused(reason): "peer refused the snapshot: \(reason)"
            case let .sessionEnded(reason): "session ended before the snapshot was complete: \(reason)"
            case let .protocolViolation(reason): "peer broke the snapshot protocol: \(reason)"
            case let .timeout(what): "timed out: \(what)"
            }
        }
    }

    /// Seconds to wait for the session, and between two parts.
    public static let connectSecondsMax: Double = 10
    public static let partWaitSecondsMax: Double = 120

    /// Rebuilds from `from` (a site id, campus code or address of a roster member), or
    /// from each roster peer in turn until one serves.
    public static func rebuild(config: NodeConfig, from: String?, logger: Logger,
                               progress: @escaping @Sendable (Progress) -> Void) async throws -> Report {
        let directory = DataDirectory(path: config.dataDirectory)
        let replica = directory.replicaURL.path
        guard !FileManager.default.fileExists(atPath: replica) else { throw Failure.replicaExists(replica) }
        let identity = try directory.loadIdentity(keyPath: config.path(config.identityKey))
        let files = try ClusterFiles.load(config)
        let candidates = files.roster.members.filter { member in
            member.site != identity.site && !files.roster.isRevoked(member.publicKey) && matches(member, from)
        }
        guard !candidates.isEmpty else { throw Failure.noPeer(from.map { "no roster member matches \($0)" } ?? "the roster names no other node") }
        var lastError: (any Error)?
        for member in candidates {
            do {
                return try await rebuild(from: member, identity: identity, files: files, directory: directory,
                                         logger: logger, progress: progress)
            } catch {
                logger.warning("rebuild from peer failed", metadata: ["peer": "\(member.campusCode) \(member.site)", "reason": "\(error)"])
                lastError = error
                if from != nil { break }
            }
        }
        throw lastError!
    }

    static func matches(_ member: MembershipRoster.Member, _ from: String?) -> Bool {
        guard let from else { return true }
        return member.site.description == from.lowercased() || member.campusCode == from.uppercased() || member.addresses.contains(from)
    }

    static func rebuild(from member: MembershipRoster.Member, identity: SigningIdentity, files: ClusterFiles, directory: DataDirectory,
                        logger: Logger, progress: @escaping @Sendable (Progress) -> Void) async throws -> Report {
        guard let address = member.addresses.first, let target = splitAddress(address) else { throw Failure.noPeer("member without an address") }
        let temporary = directory.url.appendingPathComponent("rebuild-\(getpid()).snapshot.tmp").path
        try? FileManager.default.removeItem(atPath: temporary)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let started = Date()
        let flow = try await receive(from: member, host: target.host, port: target.port, identity: identity, files: files,
                                     into: temporary, logger: logger, progress: progress)
        let transferSeconds = Date().timeIntervalSince(started)
        let installStarted = Date()
        _ = try SnapshotCheck.verify(hasher: Blake2b(), next: try SnapshotSpool.reader(temporary))
        let replica = directory.replicaURL.path
        do {
            let store = try directory.openReplica(identity: identity, schema: NodeSchema.current, keyRing: files.roster.keyRing,
                                                  clock: SystemClock(), logger: logger)
            let report = try store.installSnapshot(expectedSource: member.site, next: try SnapshotSpool.reader(temporary))
            let origin = try store.beginNewEpoch(atLeast: NodeRecovery.freshEpoch(after: report.origin.epoch, nowMillis: SystemClock().nowMillis()))
            logger.notice("rebuilt from peer", metadata: ["peer": "\(member.site)", "batches": "\(report.vector.batchCount)",
                                                          "rows": "\(report.rows)", "origin": "\(origin)"])
            return Report(peer: member.site.description, site: identity.site.description, epoch: origin.epoch,
                          batches: report.vector.batchCount, rows: report.rows, bytes: flow.bytes,
                          transferSeconds: transferSeconds, installSeconds: Date().timeIntervalSince(installStarted))
        } catch {
            // The replica file was created empty for this install: leave the directory as found.
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: replica + suffix) }
            throw error
        }
    }

    /// Dials the peer, asks for its snapshot and spools every part to `path`, giving
    /// credit back as parts are written.
    static func receive(from member: MembershipRoster.Member, host: String, port: Int, identity: SigningIdentity,
                        files: ClusterFiles, into path: String, logger: Logger,
                        progress: @escaping @Sendable (Progress) -> Void) async throws -> SnapshotReceiveFlow {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let flow = try await receive(from: member, host: host, port: port, identity: identity, files: files, into: path,
                                         group: group, logger: logger, progress: progress)
            try? await group.shutdownGracefully()
            return flow
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private static func receive(from member: MembershipRoster.Member, host: String, port: Int, identity: SigningIdentity,
                                files: ClusterFiles, into path: String, group: MultiThreadedEventLoopGroup, logger: Logger,
                                progress: @escaping @Sendable (Progress) -> Void) async throws -> SnapshotReceiveFlow {
        let (events, continuation) = AsyncStream<SessionEvent>.makeStream()
        let roster = files.roster
        let endpoint = TransportEndpoint(group: group, identity: identity, networkKey: files.networkKey, logger: logger,
                                         isAllowed: { $0 == member.publicKey && roster.allowsSession(with: $0, atMillis: SystemClock().nowMillis()) },
                                         onEvent: { continuation.yield($0) })
        _ = try await endpoint.dial(host: host, port: port, remoteKey: member.publicKey).get()
        let spool = try SnapshotSpool(path: path)
        var flow = SnapshotReceiveFlow()
        var session: SessionHandle?
        var rowsTotal: UInt64?
        let started = Date()
        var lastReport = Date.distantPast
        let established = EstablishedFlag()
        let timeout = Task {
            try await Task.sleep(for: .seconds(connectSecondsMax))
            if !established.value.withLock({ $0 }) { continuation.finish() }
        }
        defer { timeout.cancel() }
        for await event in events {
            switch event {
            case let .established(handle, _):
                session = handle
                established.value.withLock { $0 = true }
                handle.send(NodeEnvelope.snapshotRequest(credit: flow.initialCredit).encoded())
            case let .message(handle, bytes):
                let envelope: NodeEnvelope
                do { envelope = try NodeEnvelope.decode(bytes) } catch {
                    handle.close(.protocolViolation("\(error)"))
                    throw Failure.protocolViolation("\(error)")
                }
                switch envelope {
                case let .snapshotPart(part):
                    do { try flow.received(part) } catch {
                        handle.close(.protocolViolation("\(error)"))
                        throw Failure.protocolViolation("\(error)")
                    }
                    if flow.parts == 1, case let .header(header)? = try? SnapshotPart.decode(part) { rowsTotal = header.rows }
                    try spool.append(part)
                    if let grant = flow.stored() { handle.send(NodeEnvelope.snapshotCredit(grant).encoded()) }
                    if flow.finished || Date().timeIntervalSince(lastReport) >= 0.5 {
                        lastReport = Date()
                        progress(Progress(bytes: flow.bytes, rows: flow.rows, rowsTotal: rowsTotal, seconds: Date().timeIntervalSince(started)))
                    }
                    if flow.finished {
                        try spool.finish()
                        handle.close()
                        return flow
                    }
                case let .snapshotRefused(reason):
                    handle.close()
                    throw Failure.peerRefused(reason)
                case .sync, .roster, .snapshotRequest, .snapshotCredit:
                    continue // the peer's gossip and roster: not for a rebuilding node
                }
            case let .closed(_, _, error):
                throw Failure.sessionEnded(error.map { "\($0)" } ?? "closed by the peer")
            }
        }
        throw session == nil ? Failure.timeout("no session with \(member.site) at \(host):\(port)") : Failure.sessionEnded("event stream ended")
    }
}

private final class EstablishedFlag: Sendable {
    let value = Mutex(false)
}

/// Received parts on disk, each `u32 length ‖ part`, so a large snapshot never sits in
/// memory and is checked whole before the install reads it again.
final class SnapshotSpool {
    let handle: FileHandle

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw BackupError.io("cannot create \(path)")
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    func append(_ part: [UInt8]) throws {
        try handle.write(contentsOf: BackupArchive.lengthPrefix(part.count) + part)
    }

    func finish() throws {
        try handle.synchronize()
        try handle.close()
    }

    /// The parts of a spool file in order; nil at the end. A cut or oversized record throws.
    static func reader(_ path: String) throws -> () throws -> [UInt8]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BackupError.io("cannot open \(path)") }
        return {
            guard let prefix = try handle.read(upToCount: 4), !prefix.isEmpty else {
                try? handle.close()
                return nil
            }
            let p = Array(prefix)
            guard p.count == 4 else { throw SnapshotError.malformed("spool record cut") }
            let length = Int(p[0]) << 24 | Int(p[1]) << 16 | Int(p[2]) << 8 | Int(p[3])
            guard length <= SnapshotFormat.partBytesMax else { throw SnapshotError.tooLarge("spool record of \(length) bytes") }
            let part = Array(try handle.read(upToCount: length) ?? Data())
            guard part.count == length else { throw SnapshotError.malformed("spool record cut") }
            return part
        }
    }
}
