import Replica

/// The membership roster (成员名册): which sites belong to the cluster, on which campus,
/// with which Ed25519 key, where to reach them, and which keys are revoked. Versioned
/// by `epoch`; the admin signs each epoch (`SignedRoster`). A node talks only to the
/// members of its current roster and verifies batches only with their keys.
///
/// Members are kept sorted by site id and revoked keys by their bytes, so one roster has
/// exactly one canonical encoding — the bytes the admin signs.
public struct MembershipRoster: Hashable, Sendable {
    public static let formatVersion: UInt8 = 1
    public static let membersMax = 256
    public static let revokedKeysMax = 1024
    public static let addressesMax = 8
    public static let addressBytesMax = 255
    public static let nameBytesMax = 128
    public static let campusCodeBytesMax = 8
    /// Bounds the whole encoding, so a signed roster can be refused before it is parsed.
    public static let encodedBytesMax = 1 << 20

    public let epoch: UInt64
    public let clusterName: String
    public let members: [Member]
    public let revokedKeys: [PublicKey]

    /// Sorts members and revoked keys into canonical order and checks every rule; a
    /// roster that exists is a valid one.
    public init(epoch: UInt64, clusterName: String, members: [Member], revokedKeys: [PublicKey] = []) throws(SecurityError) {
        self.epoch = epoch
        self.clusterName = clusterName
        self.members = members.sorted { $0.site < $1.site }
        self.revokedKeys = revokedKeys.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        try validate()
    }

    /// The members whose keys are not revoked. Validity does not enter here: batches a
    /// member signed while valid stay verifiable after its validity ends; only a
    /// revocation (a stolen key) makes its batches unverifiable.
    public var keyRing: KeyRing { KeyRing(members.map(\.publicKey).filter { !isRevoked($0) }) }

    public func isRevoked(_ key: PublicKey) -> Bool { revokedKeys.contains(key) }

    public func member(withKey key: PublicKey) -> Member? { members.first { $0.publicKey == key } }

    /// Whether a session with `key` is allowed at `nowMillis` (Unix ms): a member, not
    /// revoked, inside its validity. Feed this to the handshake's `isAllowed`.
    public func allowsSession(with key: PublicKey, atMillis nowMillis: UInt64) -> Bool {
        guard !isRevoked(key), let member = member(withKey: key) else { return false }
        return member.validity.contains(nowMillis)
    }

    func validate() throws(SecurityError) {
        try Self.checkText(clusterName, "cluster name", max: Self.nameBytesMax)
        guard members.count <= Self.membersMax else { throw .malformedRoster("\(members.count) members, at most \(Self.membersMax)") }
        guard revokedKeys.count <= Self.revokedKeysMax else {
            throw .malformedRoster("\(revokedKeys.count) revoked keys, at most \(Self.revokedKeysMax)")
        }
        for (previous, next) in zip(members, members.dropFirst()) where previous.site == next.site {
            throw .malformedRoster("two members share site \(next.site) (same key, or a site id collision)")
        }
        for (previous, next) in zip(revokedKeys, revokedKeys.dropFirst()) where previous == next {
            throw .malformedRoster("key \(next) revoked twice")
        }
        for member in members {
            try member.validate()
            if isRevoked(member.publicKey) { throw .malformedRoster("member \(member.site) is also revoked") }
        }
    }

    static func checkText(_ text: String, _ what: String, max: Int) throws(SecurityError) {
        let count = text.utf8.count
        guard (1...max).contains(count) else { throw .malformedRoster("\(what) of \(count) bytes, must be 1...\(max)") }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .malformedRoster("\(what) contains control characters")
        }
    }
}

extension MembershipRoster {
    /// One node of the cluster: a site on a campus.
    public struct Member: Hashable, Sendable {
        /// Derived from `publicKey`; stored in the encoding for readers, and checked.
        public let site: SiteID
        /// Short uppercase code that prefixes human-facing numbers, e.g. "MAIN", "EAST".
        public let campusCode: String
        /// The campus's name as staff say it, e.g. "东院区".
        public let campusName: String
        public let publicKey: PublicKey
        /// Where peers dial it ("host:port"), tried in order.
        public let addresses: [String]
        public let role: Role
        public let validity: Validity

        public init(campusCode: String, campusName: String, publicKey: PublicKey, addresses: [String],
                    role: Role = .node, validity: Validity) {
            self.site = publicKey.siteID
            self.campusCode = campusCode
            self.campusName = campusName
            self.publicKey = publicKey
            self.addresses = addresses
            self.role = role
            self.validity = validity
        }

        func validate() throws(SecurityError) {
            guard site == publicKey.siteID else { throw .malformedRoster("site \(site) does not derive from its key") }
            guard (1...MembershipRoster.campusCodeBytesMax).contains(campusCode.utf8.count),
                  campusCode.utf8.allSatisfy({ (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) }) else {
                throw .malformedRoster("campus code \"\(campusCode)\" must be 1...\(MembershipRoster.campusCodeBytesMax) of A-Z, 0-9")
            }
            try MembershipRoster.checkText(campusName, "campus name", max: MembershipRoster.nameBytesMax)
            guard addresses.count <= MembershipRoster.addressesMax else {
                throw .malformedRoster("\(addresses.count) addresses for \(site), at most \(MembershipRoster.addressesMax)")
            }
            for address in addresses {
                try MembershipRoster.checkText(address, "address", max: MembershipRoster.addressBytesMax)
            }
            guard validity.notBeforeMillis < validity.notAfterMillis else {
                throw .malformedRoster("validity of \(site) ends before it begins")
            }
        }
    }

    /// What a member may do. Only nodes today; an unknown role byte is refused, so a
    /// future role cannot be silently read as a node.
    public enum Role: UInt8, Hashable, Sendable {
        case node = 1
    }

    /// The half-open interval [notBefore, notAfter) in Unix milliseconds.
    public struct Validity: Hashable, Sendable {
        public let notBeforeMillis: UInt64
        public let notAfterMillis: UInt64

        public init(notBeforeMillis: UInt64, notAfterMillis: UInt64) {
            self.notBeforeMillis = notBeforeMillis
            self.notAfterMillis = notAfterMillis
        }

        public static let always = Validity(notBeforeMillis: 0, notAfterMillis: .max)

        public func contains(_ millis: UInt64) -> Bool { notBeforeMillis <= millis && millis < notAfterMillis }
    }
}
