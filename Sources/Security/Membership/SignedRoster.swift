import Replica

/// A roster as the admin signed it: the exact roster bytes, the admin's public key and
/// an Ed25519 signature over a domain-separated message. Parsing the envelope does not
/// parse the roster: `verify(adminKey:)` checks the signature first and only then
/// decodes the (now authenticated) roster bytes.
///
///     u8 formatVersion(1) · u8 suite · 32-byte admin key · lp roster bytes · 64-byte signature
public struct SignedRoster: Hashable, Sendable {
    public static let formatVersion: UInt8 = 1
    /// Prefixed to what is signed, so a roster signature can never be replayed as a batch
    /// signature or anything else the admin key might sign.
    static let signingContext: [UInt8] = Array("meshdesk-roster-v1".utf8) + [0]
    static let signatureBytes = 64

    public let suite: CryptoSuite
    public let adminKey: PublicKey
    public let rosterBytes: [UInt8]
    public let signature: [UInt8]

    /// Signs `roster` with the cluster admin's identity.
    public init(signing roster: MembershipRoster, admin: SigningIdentity) {
        suite = .ed25519Blake2b
        adminKey = admin.publicKey
        rosterBytes = roster.encoded()
        precondition(rosterBytes.count <= MembershipRoster.encodedBytesMax, "roster larger than encodedBytesMax")
        signature = admin.sign(Self.signedMessage(suite: suite, rosterBytes: rosterBytes))
    }

    static func signedMessage(suite: CryptoSuite, rosterBytes: [UInt8]) -> [UInt8] {
        signingContext + [suite.rawValue] + rosterBytes
    }

    /// Checks the signature under the pinned `adminKey` (from config, never from the
    /// envelope) and returns the decoded roster.
    public func verify(adminKey pinned: PublicKey) throws(SecurityError) -> MembershipRoster {
        guard adminKey == pinned,
              pinned.verify(signature: signature, message: Self.signedMessage(suite: suite, rosterBytes: rosterBytes)) else {
            throw .rosterSignatureInvalid
        }
        return try MembershipRoster(decoding: rosterBytes)
    }

    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: rosterBytes.count + 128)
        w.u8(Self.formatVersion)
        w.u8(suite.rawValue)
        w.raw(adminKey.bytes)
        w.lengthPrefixed(rosterBytes)
        w.raw(signature)
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) throws(SecurityError) {
        do {
            var r = ByteReader(bytes)
            let version = try r.u8()
            guard version == Self.formatVersion else { throw SecurityError.malformedRoster("signed roster format \(version)") }
            let suiteByte = try r.u8()
            guard let suite = CryptoSuite(rawValue: suiteByte) else { throw SecurityError.malformedRoster("crypto suite \(suiteByte)") }
            self.suite = suite
            adminKey = try PublicKey(bytes: Array(r.raw(PublicKey.byteCount)))
            rosterBytes = Array(try r.lengthPrefixed(max: MembershipRoster.encodedBytesMax))
            signature = Array(try r.raw(Self.signatureBytes))
            try r.expectEnd()
        } catch let error as SecurityError {
            throw error
        } catch let error as DecodingError {
            throw .malformedRoster(error.description)
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
    }
}

/// The outcome of offering a node a roster while it holds `current`.
public enum RosterUpdate: Equatable, Sendable {
    case accept(MembershipRoster)
    case reject(RosterRejection)
}

public enum RosterRejection: Equatable, Sendable, CustomStringConvertible {
    /// Signature (under the pinned admin key) or encoding is bad.
    case invalid(SecurityError)
    /// Not strictly newer: a replayed or older roster must not undo a revocation.
    case staleEpoch(current: UInt64, offered: UInt64)
    /// A key revoked in the current roster is missing from the offered revocation list.
    /// Revocation is permanent: a stolen key never comes back, not even by admin mistake.
    case unrevokes(PublicKey)

    public var description: String {
        switch self {
        case let .invalid(error): "roster refused: \(error)"
        case let .staleEpoch(current, offered): "roster refused: epoch \(offered) is not newer than \(current)"
        case let .unrevokes(key): "roster refused: it would un-revoke key \(key)"
        }
    }
}

extension SignedRoster {
    /// The rule for replacing the current roster: signed by the same (pinned) admin key,
    /// strictly higher epoch, and every revoked key stays revoked.
    public static func update(current: MembershipRoster, offered: SignedRoster, adminKey: PublicKey) -> RosterUpdate {
        let roster: MembershipRoster
        do throws(SecurityError) {
            roster = try offered.verify(adminKey: adminKey)
        } catch {
            return .reject(.invalid(error))
        }
        guard roster.epoch > current.epoch else { return .reject(.staleEpoch(current: current.epoch, offered: roster.epoch)) }
        if let key = current.revokedKeys.first(where: { !roster.isRevoked($0) }) { return .reject(.unrevokes(key)) }
        return .accept(roster)
    }
}
