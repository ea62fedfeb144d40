import Logging
import NIOCore
import Security
import Transport

/// An inbound session whose key this node's roster does not allow (yet).
///
/// Why it exists: `meshdesk cluster add` makes a new roster per node (epochs 2, 3, 4 …),
/// and each node starts with the roster of its own `add`. The node with the older roster
/// does not know the newer members, so it would refuse their handshakes, and the newer
/// roster — which spreads only inside sessions — would never reach it. So a responder
/// lets a key it has not revoked finish the handshake, sends it nothing, and waits for
/// one message: a roster. If that roster is accepted by the ordinary update rule
/// (pinned admin key, strictly newer epoch, every revocation kept) and then allows the
/// key, the session becomes an ordinary one; anything else ends it as a refused
/// handshake. Why this is safe: docs/security.md, "Learning a newer roster from a peer".
struct RosterProbation {
    let handle: SessionHandle
    let key: PublicKey
    let deadline: Scheduled<Void>
}

extension NodeRuntime {
    /// How long a peer on probation has to present its roster.
    static let rosterProbationMillis: Int64 = 5_000
    /// Probation sessions held at once; beyond it a further unknown key is refused at
    /// once (each holds a socket and may make us verify one roster signature).
    static let rosterProbationsMax = 16

    func startRosterProbation(_ handle: SessionHandle, remoteKey: PublicKey) {
        let refusal = TransportError.handshake(.remoteNotAllowed(remoteKey))
        // We dial only keys our roster allows: an outbound session that is not allowed
        // any more lost its place in a roster accepted meanwhile.
        guard !handle.isInitiator else { return handle.abort(.revoked) }
        guard probations.count < Self.rosterProbationsMax else {
            count("roster_probation_full")
            return handle.abort(refusal)
        }
        let deadline = loop.scheduleTask(in: .milliseconds(Self.rosterProbationMillis)) { [self] in
            endRosterProbation(handle.id, admitted: false)
        }
        probations[handle.id] = RosterProbation(handle: handle, key: remoteKey, deadline: deadline)
        logger.info("peer not on this node's roster; waiting for it to present a newer one",
                    metadata: ["peer": "\(remoteKey.siteID)"])
    }

    /// The first message of a peer on probation: only a roster is listened to.
    func probationMessage(_ bytes: [UInt8], session: SessionHandle) {
        guard let probation = probations[session.id] else { return }
        let envelope: NodeEnvelope
        do { envelope = try NodeEnvelope.decode(bytes) } catch {
            logger.debug("undecodable message on probation", metadata: ["peer": "\(probation.key.siteID)", "error": "\(error)"])
            return endRosterProbation(session.id, admitted: false)
        }
        guard case let .roster(signed) = envelope else { return endRosterProbation(session.id, admitted: false) }
        offerRoster(signed, from: probation.key.siteID)
        endRosterProbation(session.id, admitted: roster.allowsSession(probation.key, atMillis: SystemClock().nowMillis()))
    }

    func endRosterProbation(_ id: UInt64, admitted: Bool) {
        guard let probation = probations.removeValue(forKey: id) else { return }
        probation.deadline.cancel()
        if admitted {
            logger.notice("peer admitted by the newer roster it presented", metadata: ["peer": "\(probation.key.siteID)"])
            establish(probation.handle, remoteKey: probation.key)
        } else {
            // No final frame: the peer sees a refused handshake and backs off.
            probation.handle.abort(.handshake(.remoteNotAllowed(probation.key)))
        }
    }
}
