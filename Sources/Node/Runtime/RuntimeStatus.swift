import Foundation

/// What a running node writes to `<data>/status.json` every `status_interval_ms`, so
/// `meshdesk status` (another process) can show peers and lag without asking the node.
public struct RuntimeStatus: Codable, Sendable {
    public struct Peer: Codable, Sendable {
        public var site: String
        public var campus: String
        public var address: String
        /// SWIM's view: alive, suspect, dead, or unknown (never heard from).
        public var membership: String
        /// established, connecting, backoff, idle.
        public var session: String
        public var revoked: Bool
    }

    /// A peer whose state digest differed from ours at equal version vectors: the two
    /// replicas hold the same batches and show different data, which no sync repairs.
    /// Never expected; listed so an operator sees it on the cluster-health page.
    public struct StateDivergence: Codable, Sendable, Equatable {
        public var site: String
        public var campus: String
        public var count: Int
        public var first_at_ms: UInt64
        public var last_at_ms: UInt64
    }

    public struct OriginLag: Codable, Sendable {
        public var origin: String
        public var held: UInt64
        /// Highest sequence of this origin any peer has told us it holds.
        public var seen: UInt64
        public var lag: UInt64
    }

    public var written_at_ms: UInt64
    public var pid: Int32
    public var site: String
    public var campus: String
    public var listen: String
    public var roster_epoch: UInt64
    public var peers: [Peer]
    public var origin_lag: [OriginLag]
    public var bytes_sent: Int
    public var bytes_received: Int
    public var sessions_established: Int
    public var sessions_failed: Int
    /// Counts by reason: sessions closed, batches refused, sync refusals.
    public var refusals: [String: Int]
    /// Absent in status files written before it existed.
    public var state_divergences: [StateDivergence]?
    /// Set while the roster in force (this epoch) could not be written to `roster.signed`:
    /// a restart now would start from the older file. Absent in files of older nodes.
    public var roster_unsaved_epoch: UInt64? = nil

    public static func read(from url: URL) -> RuntimeStatus? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(RuntimeStatus.self, from: data)
    }

    /// The status of the node serving `config`'s data directory, if one is running: its
    /// status file is fresh (written within three status intervals, at least 5 s) and
    /// its pid is alive. A stale file of a crashed node does not count.
    public static func ofRunningNode(_ config: NodeConfig, nowMillis: UInt64) -> RuntimeStatus? {
        guard let status = read(from: DataDirectory(path: config.dataDirectory).statusURL) else { return nil }
        let freshMillis = max(3 * config.statusIntervalMillis, 5_000)
        // A file written "in the future" (the clock stepped back) is as fresh as one written now.
        let age = nowMillis > status.written_at_ms ? nowMillis - status.written_at_ms : 0
        guard age <= freshMillis, kill(status.pid, 0) == 0 else { return nil }
        return status
    }

    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try DataDirectory.writePrivately(encoder.encode(self), to: url)
    }
}
