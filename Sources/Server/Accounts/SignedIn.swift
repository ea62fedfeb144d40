import Domain

/// The user behind a request: their session, account and staff record as the replica
/// has them now (re-read every request, so a disabled account or a revoked role takes
/// effect at once on this node, and at the next sync on the others).
public struct SignedIn: Sendable {
    public let session: WebSession
    public let username: String
    public let staff: StaffMember
    public let passwordChangeDue: Bool

    public var person: PersonID { staff.id }
}
