import Foundation
import Replica
import Sync

extension NodeRuntime {
    /// The runtime half of `meshdesk status`, written for another process to read. On `loop`.
    public func runtimeStatus() -> RuntimeStatus {
        let core = state.value.core
        let vector = (try? store.versionVector()) ?? VersionVector()
        var status = RuntimeStatus(
            written_at_ms: now().wallMillis, pid: getpid(), site: identity.site.description,
            campus: config.campusCode, listen: "\(config.listenAddress?.host ?? "?"):\(listenPort)",
            roster_epoch: core.rosterEpoch, peers: core.peerStatuses(), origin_lag: core.originLag(held: vector),
            bytes_sent: counters.bytesSent.load(ordering: .relaxed), bytes_received: counters.bytesReceived.load(ordering: .relaxed),
            sessions_established: counters.sessionsEstablished.load(ordering: .relaxed),
            sessions_failed: counters.sessionsFailed.load(ordering: .relaxed), refusals: core.refusals,
            state_divergences: core.stateDivergenceList)
        status.roster_unsaved_epoch = core.rosterUnsaved == nil ? nil : core.rosterEpoch
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
