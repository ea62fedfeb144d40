import Foundation
import Logging
import Replica
import Storage
import Transport

/// Serving snapshots to rebuilding peers (`meshdesk rebuild`). The export runs on its
/// own thread inside one read transaction — the core's loop never waits on it — and
/// blocks on the session's credit gate.
extension NodeRuntime {
    func handleSnapshotEnvelope(_ envelope: NodeEnvelope, from site: SiteID, session: SessionHandle?) {
        loop.preconditionInEventLoop()
        switch envelope {
        case let .snapshotRequest(credit):
            guard let session, snapshotServes[session.id] == nil else { return }
            guard snapshotServes.count < SnapshotTransfer.servesMax else {
                count("snapshot_refused_busy")
                session.send(NodeEnvelope.snapshotRefused("busy serving another snapshot; try another peer or later").encoded())
                return
            }
            let gate = SnapshotCreditGate(initial: credit)
            snapshotServes[session.id] = gate
            count("snapshot_served")
            logger.notice("serving a snapshot", metadata: ["peer": "\(site)"])
            let store = self.store
            let logger = self.logger
            let thread = Thread { [self] in
                let result = Result { try store.exportSnapshot { part in
                    try gate.take()
                    session.send(NodeEnvelope.snapshotPart(part).encoded())
                } }
                loop.execute { [self] in
                    if snapshotServes[session.id] === gate { snapshotServes[session.id] = nil }
                    switch result {
                    case let .success(summary):
                        logger.notice("snapshot served", metadata: ["peer": "\(site)", "parts": "\(summary.parts)",
                                                                    "bytes": "\(summary.bytes)", "batches": "\(summary.vector.batchCount)"])
                    case let .failure(error):
                        count("snapshot_serve_failed")
                        logger.warning("snapshot serve ended early", metadata: ["peer": "\(site)", "reason": "\(error)"])
                    }
                }
            }
            thread.name = "snapshot-export"
            thread.start()
        case let .snapshotCredit(parts):
            guard let session else { return }
            snapshotServes[session.id]?.grant(parts)
        case .snapshotPart, .snapshotRefused:
            // Only a rebuilding client receives these; a serving node never asked.
            count("protocol_violation")
            logger.warning("unrequested snapshot message; closing session", metadata: ["peer": "\(site)"])
            session?.close(.protocolViolation("unrequested snapshot message"))
        case .sync, .roster:
            preconditionFailure("not a snapshot envelope")
        }
    }
}
