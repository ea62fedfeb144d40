import Foundation
import Storage
import TOMLKit

/// `meshdesk.toml`: what one campus node runs as. Every key is optional; the defaults
/// run a single node on 127.0.0.1 with its files in `./data` (docs/operations.md).
///
///     [node]
///     campus_code = "MAIN"            # A-Z0-9, 1…8, prefixes human-facing numbers
///     campus_name = "主院区"
///     listen      = "127.0.0.1:7400"
///     data_dir    = "./data"
///
///     [keys]                           # relative paths are inside data_dir
///     identity     = "identity.key"    # this node's Ed25519 seed, 0600
///     network      = "network.key"     # the cluster network key, 0600
///     admin_public = "admin.pub"       # the pinned cluster admin public key (hex)
///     roster       = "roster.signed"   # the current signed membership roster
///
///     [peers]
///     seeds = ["127.0.0.1:7401"]       # addresses of roster members to contact first;
///                                      # empty = every other member of the roster
///
///     [sync]
///     gossip_interval_ms = 500         # anti-entropy round
///     probe_interval_ms  = 1000        # SWIM protocol period
///     poll_interval_ms   = 250         # look for batches written by other processes
///     status_interval_ms = 1000        # rewrite status.json
///     rehandshake_after_s = 900        # close and redial each session after this
///
///     [http]                           # the dashboard and JSON API (docs/server.md)
///     enabled = true                   # false: this node serves no HTTP
///     listen  = "127.0.0.1:8080"       # loopback unless a TLS front end is put before it
///     password_change_days = 90        # 定期修改密码; 0 = never
///     names = ["meshdesk.hosp.local"]  # Host names it answers to besides loopback and the listen host
///     [compaction]                     # docs/replication.md, "Compaction"
///     enabled = true                   # off switch for periodic compaction
///     interval_s = 3600                # one round per interval
///     member_silence_max_s = 604800    # a member silent longer stops holding the log back
///     retained_batches_min = 128       # batches kept per origin below its head
public struct NodeConfig: Sendable, Equatable {
    public var campusCode = "MAIN"
    public var campusName = "主院区"
    public var listen = "127.0.0.1:7400"
    public var dataDirectory = DataDirectory.defaultPath
    public var identityKey = "identity.key"
    public var networkKey = "network.key"
    public var adminPublicKey = "admin.pub"
    public var roster = "roster.signed"
    public var seeds: [String] = []
    public var gossipIntervalMillis: UInt64 = 500
    public var probeIntervalMillis: UInt64 = 1_000
    public var pollIntervalMillis: UInt64 = 250
    public var statusIntervalMillis: UInt64 = 1_000
    public var rehandshakeAfterSeconds: UInt64 = 900
    /// Peers each local batch is pushed to. A peer skipped by a push holds every later
    /// batch of that origin back (gap-free apply) until anti-entropy fills the gap, so
    /// for a hospital's handful of campuses the default pushes to all of them.
    public var pushFanout = 8
    /// Where the dashboard and JSON API listen; nil: this node serves no HTTP.
    public var httpListen: String? = NodeConfig.defaultHTTPListen
    /// Days after which a password must be changed (定期修改密码); 0: never.
    public var passwordChangeDays = 90
    /// Host names (without port) the dashboard answers to, besides loopback and the
    /// listen host: the name of a TLS front end, say. Any other `Host` gets 421 (DNS rebinding).
    public var httpNames: [String] = []

    public static let defaultHTTPListen = "127.0.0.1:8080"
    /// Longest password change period accepted (ten years), so the day count cannot overflow.
    public static let passwordChangeDaysMax = 3_650
    /// Periodic compaction inside the running node; `meshdesk compact` works either way.
    public var compactionEnabled = true
    public var compactionIntervalSeconds: UInt64 = 3_600
    /// `horizonMemberSilenceMax`, in seconds.
    public var horizonMemberSilenceMaxSeconds: UInt64 = CompactionHorizon.memberSilenceMaxDefaultMillis / 1_000
    public var compactionRetainedBatchesMin: UInt64 = 128

    public init() {}

    /// The HTTP address a node gets when nobody named one: the dashboard on
    /// 127.0.0.1:8080 for the default data directory (`scripts/run.sh`); none for any
    /// other, since several nodes on one machine (tests, a lab) would all want 8080.
    public static func httpListenDefault(dataDirectory: String) -> String? {
        DataDirectory(path: dataDirectory).url.path == DataDirectory(path: DataDirectory.defaultPath).url.path ? defaultHTTPListen : nil
    }

    public static let fileName = "meshdesk.toml"

    /// The store's compaction policy from these settings.
    public var compactionPolicy: CompactionPolicy {
        var policy = CompactionPolicy()
        policy.memberSilenceMaxMillis = horizonMemberSilenceMaxSeconds * 1_000
        policy.retainedBatchesPerOriginMin = compactionRetainedBatchesMin
        return policy
    }

    /// Resolves a key path: absolute as given, relative inside the data directory.
    public func path(_ file: String) -> String {
        file.hasPrefix("/") ? file : DataDirectory(path: dataDirectory).url.appendingPathComponent(file).path
    }

    public enum Failure: Error, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case invalid(String)
        public var description: String {
            switch self {
            case let .unreadable(path, reason): "config \(path): \(reason)"
            case let .invalid(reason): "config: \(reason)"
            }
        }
    }

    public static func load(path: String) throws -> NodeConfig {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw Failure.unreadable(path: path, reason: "\(error.localizedDescription)")
        }
        let file: File
        do { file = try TOMLDecoder().decode(File.self, from: text) } catch {
            throw Failure.unreadable(path: path, reason: "\(error)")
        }
        var config = NodeConfig()
        if let node = file.node {
            config.campusCode = node.campus_code ?? config.campusCode
            config.campusName = node.campus_name ?? config.campusName
            config.listen = node.listen ?? config.listen
            if let dir = node.data_dir {
                // A relative data_dir is relative to the config file, not the shell's cwd.
                let base = URL(fileURLWithPath: path).deletingLastPathComponent()
                config.dataDirectory = dir.hasPrefix("/") ? dir : base.appendingPathComponent(dir).standardizedFileURL.path
            }
        }
        if let keys = file.keys {
            config.identityKey = keys.identity ?? config.identityKey
            config.networkKey = keys.network ?? config.networkKey
            config.adminPublicKey = keys.admin_public ?? config.adminPublicKey
            config.roster = keys.roster ?? config.roster
        }
        config.seeds = file.peers?.seeds ?? []
        if let sync = file.sync {
            config.gossipIntervalMillis = sync.gossip_interval_ms ?? config.gossipIntervalMillis
            config.probeIntervalMillis = sync.probe_interval_ms ?? config.probeIntervalMillis
            config.pollIntervalMillis = sync.poll_interval_ms ?? config.pollIntervalMillis
            config.statusIntervalMillis = sync.status_interval_ms ?? config.statusIntervalMillis
            config.rehandshakeAfterSeconds = sync.rehandshake_after_s ?? config.rehandshakeAfterSeconds
            config.pushFanout = sync.push_fanout.map(Int.init) ?? config.pushFanout
        }
        if let http = file.http {
            if http.enabled == false {
                config.httpListen = nil
            } else if let listen = http.listen {
                config.httpListen = listen
            }
            config.passwordChangeDays = http.password_change_days.map(Int.init) ?? config.passwordChangeDays
            config.httpNames = http.names ?? config.httpNames
        }
        if let compaction = file.compaction {
            config.compactionEnabled = compaction.enabled ?? config.compactionEnabled
            config.compactionIntervalSeconds = compaction.interval_s ?? config.compactionIntervalSeconds
            config.horizonMemberSilenceMaxSeconds = compaction.member_silence_max_s ?? config.horizonMemberSilenceMaxSeconds
            config.compactionRetainedBatchesMin = compaction.retained_batches_min ?? config.compactionRetainedBatchesMin
        }
        try config.validate()
        return config
    }

    public func validate() throws {
        guard (1...8).contains(campusCode.utf8.count),
              campusCode.utf8.allSatisfy({ (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) }) else {
            throw Failure.invalid("campus_code \"\(campusCode)\" must be 1…8 of A-Z, 0-9")
        }
        guard listenAddress != nil else { throw Failure.invalid("listen \"\(listen)\" is not host:port") }
        if let httpListen, Self.address(httpListen) == nil {
            throw Failure.invalid("http listen \"\(httpListen)\" is not host:port")
        }
        guard (0...Self.passwordChangeDaysMax).contains(passwordChangeDays) else {
            throw Failure.invalid("password_change_days must be 0…\(Self.passwordChangeDaysMax)")
        }
        if let http = httpAddress, let sync = listenAddress, http.port != 0, http.port == sync.port, http.host == sync.host {
            throw Failure.invalid("http listen and sync listen are the same address \(listen)")
        }
        guard (0...64).contains(pushFanout) else { throw Failure.invalid("push_fanout must be 0…64") }
        guard gossipIntervalMillis > 0, probeIntervalMillis >= 100, pollIntervalMillis > 0, statusIntervalMillis > 0 else {
            throw Failure.invalid("intervals must be positive (probe_interval_ms ≥ 100)")
        }
        guard compactionIntervalSeconds > 0, horizonMemberSilenceMaxSeconds > 0 else {
            throw Failure.invalid("compaction interval_s and member_silence_max_s must be positive")
        }
    }

    public var listenAddress: (host: String, port: Int)? { Self.address(listen) }

    /// The HTTP listen address; nil when HTTP is off.
    public var httpAddress: (host: String, port: Int)? { httpListen.flatMap(Self.address) }

    /// `host:port`, port 0…65535 (0: any free port).
    public static func address(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port) else { return nil }
        return (String(text[..<colon]), port)
    }

    /// The file `meshdesk init` writes: every key, with its default, documented.
    public var toml: String {
        """
        # MeshDesk node configuration (docs/operations.md).
        [node]
        campus_code = "\(campusCode)"
        campus_name = "\(campusName)"
        listen = "\(listen)"
        data_dir = "\(dataDirectory)"

        [keys]   # relative paths are inside data_dir
        identity = "\(identityKey)"
        network = "\(networkKey)"
        admin_public = "\(adminPublicKey)"
        roster = "\(roster)"

        [peers]  # empty: every other member of the roster
        seeds = [\(seeds.map { "\"\($0)\"" }.joined(separator: ", "))]

        [sync]
        gossip_interval_ms = \(gossipIntervalMillis)
        probe_interval_ms = \(probeIntervalMillis)
        poll_interval_ms = \(pollIntervalMillis)
        status_interval_ms = \(statusIntervalMillis)
        rehandshake_after_s = \(rehandshakeAfterSeconds)
        push_fanout = \(pushFanout)

        [http]   # the dashboard and JSON API; enabled = false: none on this node
        enabled = \(httpListen != nil)
        listen = "\(httpListen ?? Self.defaultHTTPListen)"
        password_change_days = \(passwordChangeDays)
        names = [\(httpNames.map { "\"\($0)\"" }.joined(separator: ", "))]

        [compaction]  # docs/replication.md, "Compaction"
        enabled = \(compactionEnabled)
        interval_s = \(compactionIntervalSeconds)
        member_silence_max_s = \(horizonMemberSilenceMaxSeconds)
        retained_batches_min = \(compactionRetainedBatchesMin)

        """
    }

    struct File: Decodable {
        struct Node: Decodable { var campus_code, campus_name, listen, data_dir: String? }
        struct Keys: Decodable { var identity, network, admin_public, roster: String? }
        struct Peers: Decodable { var seeds: [String]? }
        struct Sync: Decodable {
            var gossip_interval_ms, probe_interval_ms, poll_interval_ms, status_interval_ms, rehandshake_after_s, push_fanout: UInt64?
        }
        struct HTTP: Decodable {
            var enabled: Bool?
            var listen: String?
            var password_change_days: UInt64?
            var names: [String]?
        }
        var node: Node?
        var keys: Keys?
        var http: HTTP?
        var peers: Peers?
        var sync: Sync?
        struct Compaction: Decodable {
            var enabled: Bool?
            var interval_s, member_silence_max_s, retained_batches_min: UInt64?
        }
        var compaction: Compaction?
    }
}
