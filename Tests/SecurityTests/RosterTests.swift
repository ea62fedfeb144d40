import Replica
import Testing
@testable import Security

/// A small three-campus cluster used by the roster and handshake tests.
struct Cluster {
    let admin = try! SigningIdentity(seed: [UInt8](repeating: 0xAD, count: 32))
    let main = try! SigningIdentity(seed: [UInt8](repeating: 1, count: 32))
    let east = try! SigningIdentity(seed: [UInt8](repeating: 2, count: 32))
    let west = try! SigningIdentity(seed: [UInt8](repeating: 3, count: 32))

    func member(_ identity: SigningIdentity, _ code: String, _ name: String,
                validity: MembershipRoster.Validity = .always) -> MembershipRoster.Member {
        .init(campusCode: code, campusName: name, publicKey: identity.publicKey,
              addresses: ["\(code.lowercased()).hospital.local:7400"], validity: validity)
    }

    func roster(epoch: UInt64, revoking revoked: [SigningIdentity] = []) throws -> MembershipRoster {
        let all = [(main, "MAIN", "本部"), (east, "EAST", "东院区"), (west, "WEST", "西院区")]
        let members = all.filter { m in !revoked.contains { $0 === m.0 } }.map { member($0.0, $0.1, $0.2) }
        return try MembershipRoster(epoch: epoch, clusterName: "示例医院信息科", members: members,
                                    revokedKeys: revoked.map(\.publicKey))
    }
}

@Suite struct RosterTests {
    let cluster = Cluster()

    @Test func aSignedRosterRoundTripsAndVerifiesUnderTheAdminKey() throws {
        let roster = try cluster.roster(epoch: 1)
        let signed = SignedRoster(signing: roster, admin: cluster.admin)
        let decoded = try SignedRoster(decoding: signed.encoded())
        #expect(decoded == signed)
        #expect(try decoded.verify(adminKey: cluster.admin.publicKey) == roster)
        #expect(try MembershipRoster(decoding: roster.encoded()).encoded() == roster.encoded())
    }

    @Test func aRosterSignedByAnotherKeyIsRefused() throws {
        let signed = SignedRoster(signing: try cluster.roster(epoch: 1), admin: cluster.main)
        #expect(throws: SecurityError.rosterSignatureInvalid) { try signed.verify(adminKey: cluster.admin.publicKey) }
    }

    @Test func everySingleBitFlipOfASignedRosterIsRefused() throws {
        let bytes = SignedRoster(signing: try cluster.roster(epoch: 1), admin: cluster.admin).encoded()
        for index in bytes.indices {
            for bit in 0..<8 where bit == index % 8 {
                var tampered = bytes
                tampered[index] ^= 1 << bit
                #expect(throws: SecurityError.self) {
                    try SignedRoster(decoding: tampered).verify(adminKey: cluster.admin.publicKey)
                }
            }
        }
    }

    @Test func aNewerRosterIsAcceptedAndAnEqualOrLowerEpochIsNot() throws {
        let current = try cluster.roster(epoch: 5)
        let admin = cluster.admin.publicKey
        let newer = SignedRoster(signing: try cluster.roster(epoch: 6), admin: cluster.admin)
        #expect(SignedRoster.update(current: current, offered: newer, adminKey: admin) == .accept(try cluster.roster(epoch: 6)))
        for epoch: UInt64 in [5, 4, 0] {
            let stale = SignedRoster(signing: try cluster.roster(epoch: epoch), admin: cluster.admin)
            #expect(SignedRoster.update(current: current, offered: stale, adminKey: admin) == .reject(.staleEpoch(current: 5, offered: epoch)))
        }
    }

    @Test func aNewerRosterFromAnotherAdminIsNotAccepted() throws {
        let current = try cluster.roster(epoch: 1)
        let forged = SignedRoster(signing: try cluster.roster(epoch: 99), admin: cluster.west)
        #expect(SignedRoster.update(current: current, offered: forged, adminKey: cluster.admin.publicKey)
            == .reject(.invalid(.rosterSignatureInvalid)))
    }

    @Test func aRevokedMemberIsAbsentFromTheKeyRingAndMayNotOpenASession() throws {
        let roster = try cluster.roster(epoch: 2, revoking: [cluster.east])
        let ring = roster.keyRing
        #expect(ring.keys[cluster.east.site] == nil)
        #expect(ring.keys[cluster.main.site] == cluster.main.publicKey)
        let message: [UInt8] = [1, 2, 3]
        #expect(ring.verify(signature: cluster.east.sign(message), message: message, site: cluster.east.site, suite: .ed25519Blake2b) == .unknownSigner)
        #expect(!roster.allowsSession(with: cluster.east.publicKey, atMillis: 1))
        #expect(roster.allowsSession(with: cluster.main.publicKey, atMillis: 1))
    }

    @Test func aRevocationCannotBeUndoneByALaterRoster() throws {
        let current = try cluster.roster(epoch: 2, revoking: [cluster.east])
        let readmitting = SignedRoster(signing: try cluster.roster(epoch: 3), admin: cluster.admin)
        #expect(SignedRoster.update(current: current, offered: readmitting, adminKey: cluster.admin.publicKey)
            == .reject(.unrevokes(cluster.east.publicKey)))
    }

    @Test func aMemberOutsideItsValidityMayNotOpenASessionButStaysInTheKeyRing() throws {
        let member = cluster.member(cluster.west, "WEST", "西院区",
                                    validity: .init(notBeforeMillis: 1_000, notAfterMillis: 2_000))
        let roster = try MembershipRoster(epoch: 1, clusterName: "c", members: [member])
        #expect(!roster.allowsSession(with: cluster.west.publicKey, atMillis: 999))
        #expect(roster.allowsSession(with: cluster.west.publicKey, atMillis: 1_000))
        #expect(!roster.allowsSession(with: cluster.west.publicKey, atMillis: 2_000))
        #expect(roster.keyRing.keys[cluster.west.site] != nil)
    }

    @Test func rosterRulesAreCheckedWhenBuilt() throws {
        let main = cluster.member(cluster.main, "MAIN", "本部")
        #expect(throws: SecurityError.self) { try MembershipRoster(epoch: 1, clusterName: "c", members: [main, main]) }
        #expect(throws: SecurityError.self) {
            try MembershipRoster(epoch: 1, clusterName: "c", members: [main], revokedKeys: [cluster.main.publicKey])
        }
        #expect(throws: SecurityError.self) {
            try MembershipRoster(epoch: 1, clusterName: "c", members: [cluster.member(cluster.main, "main", "本部")])
        }
        #expect(throws: SecurityError.self) { try MembershipRoster(epoch: 1, clusterName: "", members: [main]) }
        let tooMany = [String](repeating: "h:1", count: MembershipRoster.addressesMax + 1)
        let crowded = MembershipRoster.Member(campusCode: "MAIN", campusName: "本部", publicKey: cluster.main.publicKey,
                                              addresses: tooMany, validity: .always)
        #expect(throws: SecurityError.self) { try MembershipRoster(epoch: 1, clusterName: "c", members: [crowded]) }
    }

    @Test func malformedRosterBytesGiveATypedError() throws {
        let good = try cluster.roster(epoch: 1).encoded()
        var cases: [[UInt8]] = [[], [2], Array(good.dropLast()), good + [0]]
        var wrongVersion = good; wrongVersion[0] = 9; cases.append(wrongVersion)
        // A member count far above membersMax is refused before anything is allocated.
        var w = ByteWriter(); w.u8(1); w.u64(1); w.lengthPrefixed("c".utf8); w.varint(1 << 40)
        cases.append(w.bytes)
        for bytes in cases {
            #expect {
                try MembershipRoster(decoding: bytes)
            } throws: { error in
                guard case .malformedRoster = error as? SecurityError else { return false }
                return true
            }
        }
        #expect(throws: SecurityError.self) { try SignedRoster(decoding: [1, 1]) }
    }

    @Test func membersInNonCanonicalOrderAreRefusedWhenDecoding() throws {
        let roster = try cluster.roster(epoch: 1)
        // Re-encode by hand with the members reversed.
        var w = ByteWriter()
        w.u8(1); w.u64(roster.epoch); w.lengthPrefixed(roster.clusterName.utf8)
        w.varint(UInt64(roster.members.count))
        for m in roster.members.reversed() {
            w.u64(m.site.rawValue); w.raw(m.publicKey.bytes); w.lengthPrefixed(m.campusCode.utf8)
            w.lengthPrefixed(m.campusName.utf8); w.u8(m.role.rawValue)
            w.u64(m.validity.notBeforeMillis); w.u64(m.validity.notAfterMillis)
            w.varint(UInt64(m.addresses.count)); for a in m.addresses { w.lengthPrefixed(a.utf8) }
        }
        w.varint(0)
        #expect(throws: SecurityError.self) { try MembershipRoster(decoding: w.bytes) }
    }
}
