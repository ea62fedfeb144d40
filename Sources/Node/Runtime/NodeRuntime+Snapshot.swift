import Foundation
import Logging
import Replica
import Storage
import Transport

/// Serving snapshots to rebuilding peers (`meshdesk rebuild`), once `NodeCore` decided
/// to: the export runs on its own thread inside one read transaction — the cores' loop
/// never waits on it — and blocks on the session's credit gate.
extension NodeRuntime {
    func serveSnapshot(_ session: SessionID, credit: UInt32) {
        let s = state.value
        guard let handle = s.handles[session] else {
            return run(s.core.onSnapshotServeEnded(session, outcome: .endedEarly("session gone"), now: now()))
        }
        let gate = SnapshotCreditGate(initial: credit)
        s.snapshotGates[session] = gate
        let store = self.store
        let thread = Thread { [self] in
            let result = Result { try store.exportSnapshot { part in
                try gate.take()
                handle.send(NodeEnvelope.snapshotPart(part).encoded())
            } }
            loop.execute { [self] in
                let s = state.value
                if s.snapshotGates[session] === gate { s.snapshotGates[session] = nil }
                let outcome: SnapshotServeOutcome = switch result {
                case let .success(summary): .served(parts: summary.parts, bytes: summary.bytes, batches: summary.vector.batchCount)
                case let .failure(error): .endedEarly("\(error)")
                }
                run(s.core.onSnapshotServeEnded(session, outcome: outcome, now: now()))
            }
        }
        thread.name = "snapshot-export"
        thread.start()
    }
}
