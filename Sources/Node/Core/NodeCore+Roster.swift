import Replica
import Security

/// The roster in `NodeCore`: the update rule, how an accepted roster spreads and revokes,
/// its file, and the probation of peers this roster does not know yet.
///
/// Why probation exists: `meshdesk cluster add` makes a new roster per node (epochs 2, 3,
/// 4 …), and each node starts with the roster of its own `add`. The node with the older
/// roster does not know the newer members, so it would refuse their handshakes, and the
/// newer roster — which spreads only inside sessions — would never reach it. So a
/// responder lets a key it has not revoked finish the handshake, sends it nothing, and
/// waits for one message: a roster. If that roster is accepted by the ordinary update
/// rule (pinned admin key, strictly newer epoch, every revocation kept) and then allows
/// the key, the session becomes an ordinary one; anything else ends it as a refused
/// handshake. Why this is safe: docs/security.md, "Learning a newer roster from a peer".
extension NodeCore {
    /// The update rule from `Security`: same pinned admin key, strictly newer epoch,
    /// revocations kept. An accepted roster is installed and saved, closes sessions of
    /// keys it no longer allows, and is passed on to every other session (that is how it
    /// spreads). `peer` is nil for the roster file.
    mutating func offerRoster(_ signed: SignedRoster, from peer: SiteID?, now: NodeTime) -> [NodeDirective] {
        guard let adminKey else { return [] }
        let outcome: RosterUpdate
        if let roster {
            outcome = SignedRoster.update(current: roster, offered: signed, adminKey: adminKey)
        } else {
            do { outcome = .accept(try signed.verify(adminKey: adminKey)) } catch { outcome = .reject(.invalid(error)) }
        }
        let source = peer.map { "\($0)" } ?? "file"
        var out: [NodeDirective] = []
        switch outcome {
        case let .accept(newRoster):
            signedRoster = signed
            roster = newRoster
            out += [.installRoster(signed, newRoster), .persistRoster(signed)]
            logger.notice("roster accepted", metadata: ["epoch": "\(newRoster.epoch)", "from": "\(source)"])
            for (site, list) in sessions.sorted(by: { $0.key < $1.key }) {
                if let key = sessionKeys[site], !newRoster.allowsSession(with: key, atMillis: now.wallMillis) {
                    count("session_revoked", &out)
                    logger.warning("closing session of a peer the new roster no longer allows", metadata: ["peer": "\(site)"])
                    out += list.map { .close($0, .revoked) }
                } else if site != peer, let first = list.first {
                    out.append(.send(NodeEnvelope.roster(signed).encoded(), session: first))
                }
            }
        case let .reject(.staleEpoch(current, offered)):
            // An older roster: send ours back so the peer catches up.
            if offered < current, let peer, let mine = signedRoster, let session = sessions[peer]?.first {
                out.append(.send(NodeEnvelope.roster(mine).encoded(), session: session))
            }
        case let .reject(reason):
            count("roster_refused", &out)
            logger.warning("roster refused", metadata: ["reason": "\(reason)", "from": "\(source)"])
        }
        return out
    }

    /// The roster file as the shell read it (nil: absent). Offered only when it changed
    /// since the last read and differs from the roster in force.
    public mutating func onRosterFile(_ bytes: [UInt8]?, now: NodeTime) -> [NodeDirective] {
        guard let bytes, bytes != rosterFileBytes else { return [] }
        rosterFileBytes = bytes
        guard bytes != signedRoster?.encoded() else { return [] }
        do { return offerRoster(try SignedRoster(decoding: bytes), from: nil, now: now) } catch {
            var out: [NodeDirective] = []
            count("roster_refused", &out)
            logger.warning("roster file unreadable", metadata: ["error": "\(error)"])
            return out
        }
    }

    /// The result of a `.persistRoster`: `failure` is nil once the file is written. A
    /// failure is logged and counted once per roster, and retried on every tick: the
    /// roster stays in force in memory, but only the file survives a restart.
    public mutating func onRosterPersisted(_ signed: SignedRoster, failure: String?, now: NodeTime) -> [NodeDirective] {
        guard let failure else {
            if rosterUnsaved != nil { logger.notice("roster file saved after an earlier failure") }
            rosterUnsaved = nil
            return []
        }
        var out: [NodeDirective] = []
        if rosterUnsaved != signed {
            count("roster_write_failed", &out)
            logger.error("could not save the accepted roster; retrying every second (a restart now would start from the older roster)",
                         metadata: ["error": "\(failure)"])
        }
        rosterUnsaved = signed
        return out
    }

    // MARK: - Probation

    mutating func startProbation(_ session: SessionID, remoteKey: PublicKey, isInitiator: Bool,
                                 now: NodeTime) -> [NodeDirective] {
        // We dial only keys our roster allows: an outbound session that is not allowed
        // any more lost its place in a roster accepted meanwhile.
        guard !isInitiator else { return [.abort(session, .revoked)] }
        guard probations.count < limits.rosterProbationsMax else {
            var out: [NodeDirective] = []
            count("roster_probation_full", &out)
            return out + [.abort(session, .notAllowed(remoteKey))]
        }
        let deadline = now.instant.advanced(byMillis: limits.rosterProbationMillis)
        probations[session] = Probation(key: remoteKey, deadline: deadline)
        logger.info("peer not on this node's roster; waiting for it to present a newer one",
                    metadata: ["peer": "\(remoteKey.siteID)"])
        return [.schedule(.probationDeadline(session), at: deadline)]
    }

    /// The first message of a peer on probation: only a roster is listened to.
    mutating func probationMessage(_ bytes: [UInt8], session: SessionID, now: NodeTime) -> [NodeDirective] {
        guard let probation = probations[session] else { return [] }
        let envelope: NodeEnvelope
        do { envelope = try NodeEnvelope.decode(bytes) } catch {
            logger.debug("undecodable message on probation", metadata: ["peer": "\(probation.key.siteID)", "error": "\(error)"])
            return endProbation(session, admitted: false)
        }
        guard case let .roster(signed) = envelope else { return endProbation(session, admitted: false) }
        let out = offerRoster(signed, from: probation.key.siteID, now: now)
        return out + endProbation(session, admitted: allowsSession(probation.key, now: now))
    }

    mutating func endProbation(_ session: SessionID, admitted: Bool) -> [NodeDirective] {
        guard let probation = probations.removeValue(forKey: session) else { return [] }
        guard admitted else {
            // No final frame: the peer sees a refused handshake and backs off.
            return [.abort(session, .notAllowed(probation.key))]
        }
        logger.notice("peer admitted by the newer roster it presented", metadata: ["peer": "\(probation.key.siteID)"])
        return establish(session, remoteKey: probation.key, isInitiator: false)
    }
}
