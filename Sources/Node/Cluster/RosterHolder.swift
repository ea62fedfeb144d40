import Replica
import Security
import Synchronization

/// The node's current roster, readable from any thread: the handshake (on I/O threads)
/// asks `allowsSession`, the sync core asks `isMember`. Written only by the node loop.
public final class RosterHolder: Sendable {
    private let state: Mutex<(signed: SignedRoster?, roster: MembershipRoster?)>

    public init(signed: SignedRoster?, roster: MembershipRoster?) {
        state = Mutex((signed, roster))
    }

    public var roster: MembershipRoster? { state.withLock { $0.roster } }
    public var signed: SignedRoster? { state.withLock { $0.signed } }
    public var epoch: UInt64 { roster?.epoch ?? 0 }

    public func replace(signed: SignedRoster, roster: MembershipRoster) {
        state.withLock { $0 = (signed, roster) }
    }

    public func allowsSession(_ key: PublicKey, atMillis now: UInt64) -> Bool {
        roster?.allowsSession(with: key, atMillis: now) ?? false
    }

    /// Whether an inbound handshake from `key` may complete so that the peer can present
    /// its roster: any key this roster has not revoked. A revoked key never gets that far
    /// (revocation is permanent, so no roster it could show would re-admit it).
    public func admitsRosterProbation(_ key: PublicKey) -> Bool {
        guard let roster else { return false }
        return !roster.isRevoked(key)
    }

    public func isMember(_ site: SiteID) -> Bool {
        guard let roster else { return false }
        return roster.members.contains { $0.site == site && !roster.isRevoked($0.publicKey) }
    }

    public func member(_ site: SiteID) -> MembershipRoster.Member? {
        roster?.members.first { $0.site == site }
    }
}
