import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Logging
import Replica
import Security
import Storage
import Testing
@testable import Domain
@testable import Server

@Suite struct AccountSessionTests {
    @Test func signInSetsAnHttpOnlyStrictCookieAndSignOutEndsTheSession() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            try await client.execute(uri: "/api/session", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"username":"eng1","password":"correct-horse-1"}"#)) { response in
                #expect(response.status == .ok)
                let cookie = try #require(response.headers[.setCookie])
                #expect(cookie.contains("HttpOnly"))
                #expect(cookie.contains("SameSite=Strict"))
                #expect(cookie.contains("Path=/"))
            }
            let session = try await client.signIn("eng1")
            #expect(session.cookie.count == 64)
            #expect(try await client.call(.get, "/api/me", as: session).0 == .ok)
            #expect(try await client.call(.delete, "/api/session", as: session).0 == .noContent)
            let (status, body) = try await client.call(.get, "/api/me", as: session)
            #expect(status == .unauthorized)
            #expect(errorCode(body) == "not_signed_in")
        }
    }

    @Test func aWrongPasswordIsRefusedCountedAndLocksTheAccountAtTheBound() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            for _ in 0..<2 {
                let (status, body) = try await client.call(.post, "/api/session", as: nil, json: #"{"username":"eng1","password":"wrong-one"}"#)
                #expect(status == .unauthorized)
                #expect(errorCode(body) == "sign_in_failed")
            }
            #expect(try fixture.department.account(username: "eng1")?.failedAttempts == 2)
            _ = try await client.call(.post, "/api/session", as: nil, json: #"{"username":"eng1","password":"wrong-one"}"#)
            // Locked now: even the right password is refused, with the answer an unknown name gets.
            let (status, body) = try await client.call(.post, "/api/session", as: nil, json: #"{"username":"eng1","password":"correct-horse-1"}"#)
            #expect(status == .unauthorized)
            #expect(errorCode(body) == "sign_in_failed")
            let audit = try AuditTrail.entries(store: fixture.department.store).map(\.action)
            #expect(audit.contains("account.locked"))
            fixture.clock.advance(minutes: 15)
            _ = try await client.signIn("eng1")
            #expect(try fixture.department.account(username: "eng1")?.failedAttempts == 0)
        }
    }

    /// A guesser at another address locks the account for addresses it was never used
    /// from; its owner at their own PC still signs in.
    @Test func aLockByAGuesserDoesNotHoldTheOwnersOwnAddress() throws {
        let fixture = try ServerFixture()
        let accounts = try AccountService(department: fixture.department, configuration: fixture.configuration)
        let logger = Logger(label: "lock-test")
        _ = try accounts.signIn(username: "eng1", password: ServerFixture.password, source: "10.1.1.20", logger: logger)
        for _ in 0..<3 {
            #expect(throws: APIError.self) {
                try accounts.signIn(username: "eng1", password: "guess", source: "203.0.113.9", logger: logger)
            }
        }
        #expect(try fixture.department.account(username: "eng1")?.isLocked(at: fixture.clock.now()) == true)
        // The guesser, even with the right password now, gets the unknown name's answer.
        do {
            _ = try accounts.signIn(username: "eng1", password: ServerFixture.password, source: "203.0.113.9", logger: logger)
            Issue.record("a locked account signed in from an address its owner never used")
        } catch let error as APIError {
            #expect(error.code == "sign_in_failed")
        }
        // A first-time address is held by the lock too.
        #expect(throws: APIError.self) {
            try accounts.signIn(username: "eng1", password: ServerFixture.password, source: "10.1.1.99", logger: logger)
        }
        // The owner's own PC is not.
        let session = try accounts.signIn(username: "eng1", password: ServerFixture.password, source: "10.1.1.20", logger: logger)
        #expect(session.username == "eng1")
    }

    @Test func anUnknownUsernameAndADisabledAccountGetTheSameAnswerAsAWrongPassword() async throws {
        let fixture = try ServerFixture()
        try fixture.department.setAccountDisabled(username: "eng2", disabled: true, by: Acting("A001", at: ServerFixture.start))
        try await fixture.application().test(.router) { client in
            for username in ["nobody", "eng2"] {
                let (status, body) = try await client.call(.post, "/api/session", as: nil,
                                                           json: #"{"username":"\#(username)","password":"correct-horse-1"}"#)
                #expect(status == .unauthorized)
                #expect(errorCode(body) == "sign_in_failed")
            }
        }
    }

    @Test func disablingAnAccountEndsItsSessionAtTheNextRequest() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn("eng2")
            try fixture.department.setAccountDisabled(username: "eng2", disabled: true, by: Acting("A001", at: ServerFixture.start))
            #expect(try await client.call(.get, "/api/me", as: session).0 == .unauthorized)
        }
    }

    /// `meshdesk user password` writes the account in the replica (as a synced change
    /// from another node does): every open session of that account ends at its next request.
    @Test func aPasswordChangeMadeOutsideTheWebEndsEveryOpenSession() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let browser = try await client.signIn("eng1")
            let script = try await client.signIn("eng1")
            #expect(try await client.call(.get, "/api/me", as: browser).0 == .ok)
            let hash = try AccountService.hash("changed-at-the-cli", hasher: .init(limits: .testingOnly), charactersMin: 8)
            try fixture.department.setPassword(username: "eng1", passwordHash: hash, by: Acting("A001", at: ServerFixture.start))
            #expect(try await client.call(.get, "/api/me", as: browser).0 == .unauthorized)
            #expect(try await client.call(.get, "/api/me", as: script).0 == .unauthorized)
            let fresh = try await client.signIn("eng1", password: "changed-at-the-cli")
            #expect(try await client.call(.get, "/api/me", as: fresh).0 == .ok)
        }
    }

    @Test func reEnablingAnAccountDoesNotReviveItsEndedSessions() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn("eng2")
            let admin = Acting("A001", at: ServerFixture.start)
            try fixture.department.setAccountDisabled(username: "eng2", disabled: true, by: admin)
            #expect(try await client.call(.get, "/api/me", as: session).0 == .unauthorized)
            try fixture.department.setAccountDisabled(username: "eng2", disabled: false, by: admin)
            #expect(try await client.call(.get, "/api/me", as: session).0 == .unauthorized)
            #expect(try await client.call(.get, "/api/me", as: try await client.signIn("eng2")).0 == .ok)
        }
    }

    /// The holder's own change keeps this session and ends the others.
    @Test func changingYourOwnPasswordKeepsThisSessionAndEndsTheOthers() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let here = try await client.signIn("eng1")
            let elsewhere = try await client.signIn("eng1")
            let changed = try await client.call(.put, "/api/me/password", as: here,
                                                json: #"{"currentPassword":"\#(ServerFixture.password)","newPassword":"a-much-better-one"}"#)
            #expect(changed.0 == .noContent)
            #expect(try await client.call(.get, "/api/me", as: here).0 == .ok)
            #expect(try await client.call(.get, "/api/me", as: elsewhere).0 == .unauthorized)
        }
    }

    @Test func aSessionExpiresAfterItsLifetime() async throws {
        let fixture = try ServerFixture()
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn("eng1")
            fixture.clock.advance(minutes: fixture.configuration.sessionMinutes - 1)
            #expect(try await client.call(.get, "/api/me", as: session).0 == .ok)
            fixture.clock.advance(minutes: 1)
            let before = try fixture.versionVector()
            let (status, body) = try await client.call(.post, "/api/leave", as: session,
                                                       json: #"{"firstDay":"2026-03-20","lastDay":"2026-03-20","reason":"年假"}"#)
            #expect(status == .unauthorized)
            #expect(errorCode(body) == "not_signed_in")
            #expect(try fixture.versionVector() == before)
        }
    }

    @Test func aPasswordResetByTheAdministratorMustBeChangedBeforeAnythingElse() async throws {
        let fixture = try ServerFixture()
        let hash = try AccountService.hash("temporary-pw", hasher: .init(limits: .testingOnly), charactersMin: 8)
        try fixture.department.setPassword(username: "eng1", passwordHash: hash, by: Acting("A001", at: ServerFixture.start))
        try await fixture.application().test(.router) { client in
            let session = try await client.signIn("eng1", password: "temporary-pw")
            let (status, body) = try await client.call(.get, "/api/duty/now", as: session)
            #expect(status == .forbidden)
            #expect(errorCode(body) == "password_change_required")
            let short = try await client.call(.put, "/api/me/password", as: session, json: #"{"currentPassword":"temporary-pw","newPassword":"short"}"#)
            #expect(short.0 == .unprocessableContent)
            #expect(errorCode(short.1) == "password_too_short")
            let changed = try await client.call(.put, "/api/me/password", as: session,
                                                json: #"{"currentPassword":"temporary-pw","newPassword":"a-much-better-one"}"#)
            #expect(changed.0 == .noContent)
            #expect(try await client.call(.get, "/api/duty/now", as: session).0 == .ok)
            #expect(try fixture.department.account(username: "eng1")?.mustChangePassword == false)
        }
    }

    @Test func thePeriodicPasswordChangeIsEnforcedWhenThePeriodRunsOut() async throws {
        let fixture = try ServerFixture(passwordChangePeriodDays: 30)
        try await fixture.application().test(.router) { client in
            fixture.clock.advance(minutes: 30 * 24 * 60)
            let session = try await client.signIn("eng1")
            let (status, body) = try await client.call(.get, "/api/leave", as: session)
            #expect(status == .forbidden)
            #expect(errorCode(body) == "password_change_required")
        }
    }

    @Test func accountsReplicateSoTheUserSignsInAtAnotherCampusNode() async throws {
        let fixture = try ServerFixture()
        let first = try SigningIdentity(seed: [UInt8](repeating: 7, count: 32))
        let second = try SigningIdentity(seed: [UInt8](repeating: 8, count: 32))
        let store = try ReplicaStore.inMemory(schema: DomainSchema.schema, signer: second,
                                              verifier: KeyRing([first.publicKey, second.publicKey]), hasher: Blake2b(),
                                              clock: ReplicaTestClock(), logger: Logger(label: "east-node"))
        for batch in try fixture.department.store.batches(after: store.versionVector()) { try store.receive(batch) }
        let router = try MeshDeskServer.makeRouter(department: Department(store: store), directory: fixture.directory,
                                                   configuration: fixture.configuration)
        try await Application(router: router).test(.router) { client in
            let session = try await client.signIn("eng1")
            #expect(try await client.call(.get, "/api/me", as: session).0 == .ok)
        }
    }
}
