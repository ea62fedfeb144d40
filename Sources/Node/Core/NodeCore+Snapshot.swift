import Replica

/// Which snapshot requests of rebuilding peers (`meshdesk rebuild`) are served. The
/// export itself runs in the shell (a thread inside one read transaction, blocked on the
/// session's credit gate); the core decides, bounds and keeps the count.
extension NodeCore {
    mutating func snapshotEnvelope(_ envelope: NodeEnvelope, from peer: SiteID, session: SessionID?) -> [NodeDirective] {
        var out: [NodeDirective] = []
        switch envelope {
        case let .snapshotRequest(credit):
            guard let session, snapshotServes[session] == nil else { return [] }
            guard snapshotServes.count < limits.snapshotServesMax else {
                count("snapshot_refused_busy", &out)
                out.append(.send(NodeEnvelope.snapshotRefused("busy serving another snapshot; try another peer or later").encoded(),
                                 session: session))
                return out
            }
            snapshotServes[session] = peer
            count("snapshot_served", &out)
            logger.notice("serving a snapshot", metadata: ["peer": "\(peer)"])
            out.append(.serveSnapshot(session, credit: credit))
        case let .snapshotCredit(parts):
            guard let session, snapshotServes[session] != nil else { return [] }
            out.append(.grantSnapshotCredit(session, parts: parts))
        case .snapshotPart, .snapshotRefused:
            // Only a rebuilding client receives these; a serving node never asked.
            count("protocol_violation", &out)
            logger.warning("unrequested snapshot message; closing session", metadata: ["peer": "\(peer)"])
            if let session { out.append(.close(session, .protocolViolation("unrequested snapshot message"))) }
        case .sync, .roster:
            preconditionFailure("not a snapshot envelope: \(envelope)")
        }
        return out
    }

    /// The shell's export for `session` ended. Session numbers are never reused, so a
    /// report that comes after the session closed only logs.
    public mutating func onSnapshotServeEnded(_ session: SessionID, outcome: SnapshotServeOutcome,
                                              now: NodeTime) -> [NodeDirective] {
        let peer = snapshotServes.removeValue(forKey: session).map { "\($0)" } ?? "closed session"
        switch outcome {
        case let .served(parts, bytes, batches):
            logger.notice("snapshot served", metadata: ["peer": "\(peer)", "parts": "\(parts)", "bytes": "\(bytes)",
                                                        "batches": "\(batches)"])
            return []
        case let .endedEarly(reason):
            var out: [NodeDirective] = []
            count("snapshot_serve_failed", &out)
            logger.warning("snapshot serve ended early", metadata: ["peer": "\(peer)", "reason": "\(reason)"])
            return out
        }
    }
}
