import Testing
@testable import Security

@Suite struct PasswordHasherTests {
    let hasher = PasswordHasher(limits: .testingOnly)

    @Test func theRightPasswordVerifiesAndAWrongOneDoesNot() throws {
        let stored = try hasher.hash("值班-2026!")
        #expect(stored.hasPrefix("$argon2id$"))
        #expect(hasher.verify("值班-2026!", against: stored))
        #expect(!hasher.verify("值班-2026?", against: stored))
        #expect(!hasher.verify("", against: stored))
    }

    @Test func twoHashesOfOnePasswordDifferByTheirSalt() throws {
        #expect(try hasher.hash("same") != hasher.hash("same"))
    }

    @Test func aHashMadeWithOtherLimitsNeedsARehash() throws {
        let cheap = try hasher.hash("pw")
        #expect(!hasher.needsRehash(cheap))
        let stronger = PasswordHasher(limits: .init(opsLimit: 2, memLimitBytes: 16 * 1024))
        #expect(stronger.needsRehash(cheap))
        #expect(stronger.verify("pw", against: cheap), "old hashes still verify until they are replaced")
    }

    @Test func theDefaultLimitsAreLibsodiumsInteractiveOnes() {
        #expect(PasswordHasher().limits == .interactive)
        #expect(PasswordHasher.Limits.interactive.memLimitBytes == 64 << 20)
    }

    @Test(arguments: ["", "not a hash", "$argon2id$v=19$m=8,t=1,p=1$AAAA$BBBB", String(repeating: "$", count: 500)])
    func aMalformedStoredHashNeverVerifiesAndNeedsARehash(stored: String) {
        #expect(!hasher.verify("pw", against: stored))
        #expect(hasher.needsRehash(stored))
    }

    @Test func anOverlongPasswordIsRefused() {
        let long = String(repeating: "a", count: PasswordHasher.passwordBytesMax + 1)
        #expect(throws: SecurityError.passwordTooLong(bytes: long.utf8.count, max: PasswordHasher.passwordBytesMax)) {
            try hasher.hash(long)
        }
    }
}
