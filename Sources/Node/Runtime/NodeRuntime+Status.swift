import Foundation
import Replica
import Sync

extension NodeRuntime {
    /// The runtime half of `meshdesk status`, written for another process to read.
    public func runtimeStatus() -> RuntimeStatus {
        loop.preconditionInEventLoop()
        let vector = (try? store.versionVector()) ?? VersionVector()
        var peers: [RuntimeStatus.Peer] = []
        let current = roster.roster
        for member in current?.members ?? [] where member.site != identity.site {
            let session: String
            if sessions[member.site]?.isEmpty == false {
                session = "established"
            } else {
                switch dialing[member.site] {
                case .connecting: session = "connecting"
                case .backoff: session = "backoff"
                case nil: session = "idle"
                }
            }
            peers.append(RuntimeStatus.Peer(site: member.site.description, campus: member.campusCode,
                                            address: member.addresses.first ?? "",
                                            membership: memberStates[member.site].map { "\($0)" } ?? "unknown",
                                            session: session, revoked: false))
        }
        for key in current?.revokedKeys ?? [] {
            peers.append(RuntimeStatus.Peer(site: key.siteID.description, campus: "", address: "", membership: "revoked",
                                            session: sessions[key.siteID]?.isEmpty == false ? "established" : "closed", revoked: true))
        }
        var seen: [Origin: UInt64] = [:]
        for peerVector in peerVectors.values {
            for origin in peerVector.origins { seen[origin] = max(seen[origin] ?? 0, peerVector[origin]) }
        }
        let origins = Set(vector.origins).union(seen.keys).sorted()
        let lag = origins.map { origin in
            let held = vector[origin], high = max(seen[origin] ?? 0, held)
            return RuntimeStatus.OriginLag(origin: origin.description, held: held, seen: high, lag: high - held)
        }
        var status = RuntimeStatus(
            written_at_ms: SystemClock().nowMillis(), pid: getpid(), site: identity.site.description,
            campus: config.campusCode, listen: "\(config.listenAddress?.host ?? "?"):\(listenPort)",
            roster_epoch: roster.epoch, peers: peers, origin_lag: lag,
            bytes_sent: counters.bytesSent.load(ordering: .relaxed), bytes_received: counters.bytesReceived.load(ordering: .relaxed),
            sessions_established: counters.sessionsEstablished.load(ordering: .relaxed),
            sessions_failed: counters.sessionsFailed.load(ordering: .relaxed), refusals: refusals,
            state_divergences: stateDivergences.keys.sorted().map { stateDivergences[$0]! })
        status.roster_unsaved_epoch = rosterUnsaved == nil ? nil : roster.epoch
        return status
    }

    func writeStatus() {
        do {
            let status = runtimeStatus()
            try status.write(to: DataDirectory(path: config.dataDirectory).statusURL)
            publishMetrics(status)
        } catch {
            logger.warning("could not write status.json", metadata: ["error": "\(error)"])
        }
    }
}
