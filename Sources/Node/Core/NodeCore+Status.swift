import Replica

/// What `NodeCore` knows for `meshdesk status`: each roster peer's session and
/// membership, and how far each origin lags behind what peers said they hold.
extension NodeCore {
    public func peerStatuses() -> [RuntimeStatus.Peer] {
        var peers: [RuntimeStatus.Peer] = []
        for member in roster?.members ?? [] where member.site != site {
            peers.append(RuntimeStatus.Peer(site: member.site.description, campus: member.campusCode,
                                            address: member.addresses.first ?? "",
                                            membership: memberStates[member.site].map { "\($0)" } ?? "unknown",
                                            session: sessionState(of: member.site).rawValue, revoked: false))
        }
        for key in roster?.revokedKeys ?? [] {
            peers.append(RuntimeStatus.Peer(site: key.siteID.description, campus: "", address: "", membership: "revoked",
                                            session: sessions[key.siteID]?.isEmpty == false ? "established" : "closed",
                                            revoked: true))
        }
        return peers
    }

    /// Per origin: what `held` (the replica's vector) has, and the most any peer claims.
    public func originLag(held vector: VersionVector) -> [RuntimeStatus.OriginLag] {
        var seen: [Origin: UInt64] = [:]
        for peerVector in peerVectors.values {
            for origin in peerVector.origins { seen[origin] = max(seen[origin] ?? 0, peerVector[origin]) }
        }
        return Set(vector.origins).union(seen.keys).sorted().map { origin in
            let held = vector[origin], high = max(seen[origin] ?? 0, held)
            return RuntimeStatus.OriginLag(origin: origin.description, held: held, seen: high, lag: high - held)
        }
    }

    public var stateDivergenceList: [RuntimeStatus.StateDivergence] {
        stateDivergences.keys.sorted().map { stateDivergences[$0]! }
    }
}
