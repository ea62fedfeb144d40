import Testing
import Replica
@testable import Security

@Suite struct SigningIdentityTests {
    @Test func aSignatureVerifiesOnlyForItsMessageAndKey() throws {
        let alice = try SigningIdentity(seed: [UInt8](repeating: 1, count: 32))
        let mallory = try SigningIdentity(seed: [UInt8](repeating: 2, count: 32))
        let message: [UInt8] = Array("handover 08:00".utf8)
        let signature = alice.sign(message)
        let ring = KeyRing([alice.publicKey])
        #expect(ring.verify(signature: signature, message: message, site: alice.site, suite: .ed25519Blake2b) == .valid)
        #expect(ring.verify(signature: signature, message: message + [0], site: alice.site, suite: .ed25519Blake2b) == .invalid)
        #expect(ring.verify(signature: mallory.sign(message), message: message, site: alice.site, suite: .ed25519Blake2b) == .invalid)
        #expect(ring.verify(signature: signature, message: message, site: mallory.site, suite: .ed25519Blake2b) == .unknownSigner)
    }

    @Test func theSiteIDIsAFunctionOfThePublicKeyAndTheSeedRoundTrips() throws {
        let seed = [UInt8](repeating: 9, count: 32)
        let a = try SigningIdentity(seed: seed)
        let b = try SigningIdentity(seed: a.seed)
        #expect(a.site == b.site)
        #expect(a.publicKey == b.publicKey)
        #expect(throws: SecurityError.self) { try SigningIdentity(seed: [1, 2, 3]) }
    }
}
