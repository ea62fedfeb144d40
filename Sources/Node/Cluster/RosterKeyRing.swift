import Replica
import Security
import Synchronization

/// The batch verifier the store is opened with, swapped when a newer roster is
/// accepted: a revoked key leaves the ring at once, so its later batches come back
/// `.unknownSigner` and are refused. The node's own key is always in it.
public final class RosterKeyRing: BatchVerifier {
    private let ring: Mutex<KeyRing>
    private let own: PublicKey

    public init(roster: MembershipRoster?, own: PublicKey) {
        self.own = own
        var ring = roster?.keyRing ?? KeyRing()
        ring.insert(own)
        self.ring = Mutex(ring)
    }

    public func update(_ roster: MembershipRoster) {
        var next = roster.keyRing
        next.insert(own)
        ring.withLock { $0 = next }
    }

    public func verify(signature: [UInt8], message: [UInt8], site: SiteID, suite: CryptoSuite) -> SignatureCheck {
        ring.withLock { $0 }.verify(signature: signature, message: message, site: site, suite: suite)
    }
}
