import Replica

/// The canonical binary encoding of a roster (ByteWriter/ByteReader):
///
///     u8 formatVersion(1) · u64 epoch · lp clusterName
///     varint memberCount · members · varint revokedCount · 32-byte keys
///     member = u64 site · 32-byte key · lp campusCode · lp campusName · u8 role
///              · u64 notBefore · u64 notAfter · varint addressCount · lp addresses
///
/// Decoding is strict: every count is checked against its named bound before anything
/// is allocated, members must be in ascending site order and revoked keys in ascending
/// byte order (so decode-then-encode is the identity), and no byte may trail.
extension MembershipRoster {
    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 128 + members.count * 128)
        w.u8(Self.formatVersion)
        w.u64(epoch)
        w.lengthPrefixed(clusterName.utf8)
        w.varint(UInt64(members.count))
        for member in members {
            w.u64(member.site.rawValue)
            w.raw(member.publicKey.bytes)
            w.lengthPrefixed(member.campusCode.utf8)
            w.lengthPrefixed(member.campusName.utf8)
            w.u8(member.role.rawValue)
            w.u64(member.validity.notBeforeMillis)
            w.u64(member.validity.notAfterMillis)
            w.varint(UInt64(member.addresses.count))
            for address in member.addresses { w.lengthPrefixed(address.utf8) }
        }
        w.varint(UInt64(revokedKeys.count))
        for key in revokedKeys { w.raw(key.bytes) }
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) throws(SecurityError) {
        guard bytes.count <= Self.encodedBytesMax else {
            throw .malformedRoster("\(bytes.count) bytes, at most \(Self.encodedBytesMax)")
        }
        do {
            var r = ByteReader(bytes)
            let version = try r.u8()
            guard version == Self.formatVersion else { throw SecurityError.malformedRoster("format version \(version)") }
            let epoch = try r.u64()
            let clusterName = try Self.text(&r, max: Self.nameBytesMax)
            let memberCount = try r.count(max: Self.membersMax, of: "members")
            var members: [Member] = []
            members.reserveCapacity(memberCount)
            for _ in 0..<memberCount {
                let member = try Self.member(&r)
                if let previous = members.last, !(previous.site < member.site) {
                    throw SecurityError.malformedRoster("members not in ascending site order at \(member.site)")
                }
                members.append(member)
            }
            let revokedCount = try r.count(max: Self.revokedKeysMax, of: "revoked keys")
            var revoked: [PublicKey] = []
            revoked.reserveCapacity(revokedCount)
            for _ in 0..<revokedCount {
                let key = try PublicKey(bytes: Array(r.raw(PublicKey.byteCount)))
                if let previous = revoked.last, !previous.bytes.lexicographicallyPrecedes(key.bytes) {
                    throw SecurityError.malformedRoster("revoked keys not in ascending order")
                }
                revoked.append(key)
            }
            try r.expectEnd()
            try self.init(epoch: epoch, clusterName: clusterName, members: members, revokedKeys: revoked)
        } catch let error as SecurityError {
            throw error
        } catch let error as DecodingError {
            throw .malformedRoster(error.description)
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
    }

    private static func member(_ r: inout ByteReader) throws -> Member {
        let site = SiteID(rawValue: try r.u64())
        let key = try PublicKey(bytes: Array(r.raw(PublicKey.byteCount)))
        guard key.siteID == site else { throw SecurityError.malformedRoster("site \(site) does not derive from its key") }
        let campusCode = try text(&r, max: campusCodeBytesMax)
        let campusName = try text(&r, max: nameBytesMax)
        let roleByte = try r.u8()
        guard let role = Role(rawValue: roleByte) else { throw SecurityError.malformedRoster("unknown role \(roleByte)") }
        let validity = Validity(notBeforeMillis: try r.u64(), notAfterMillis: try r.u64())
        let addressCount = try r.count(max: addressesMax, of: "addresses")
        var addresses: [String] = []
        for _ in 0..<addressCount { addresses.append(try text(&r, max: addressBytesMax)) }
        return Member(campusCode: campusCode, campusName: campusName, publicKey: key, addresses: addresses,
                      role: role, validity: validity)
    }

    private static func text(_ r: inout ByteReader, max: Int) throws -> String {
        let bytes = try r.lengthPrefixed(max: max)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SecurityError.malformedRoster("text field is not valid UTF-8")
        }
        return text
    }
}
