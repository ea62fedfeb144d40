import Domain
import Logging
import Security
import Replica
import Synchronization

/// 登录 — signs users in and out, changes passwords, and keeps the lockout count.
/// Password checks run Argon2id (`Security.PasswordHasher`); the account lives in the
/// replica (`Department`), the session on this node (`SessionStore`).
public struct AccountService: Sendable {
    let department: Department
    let sessions: SessionStore
    let hasher: PasswordHasher
    let configuration: ServerConfiguration
    /// A hash no password matches quickly: verifying against it for an unknown username
    /// makes that answer cost the same time as a wrong password for a real one.
    let decoyHash: String
    let gate: SignInGate
    /// Accounts and people read for sessions, per token and entity counts (see `resolve`).
    let resolved = ResolvedSessions()

    init(department: Department, configuration: ServerConfiguration) throws {
        self.department = department
        self.configuration = configuration
        hasher = PasswordHasher(limits: configuration.hashing)
        sessions = SessionStore(sessionsMax: configuration.sessionsMax, lifetimeMinutes: configuration.sessionMinutes)
        decoyHash = try hasher.hash(RandomToken.hex())
        gate = SignInGate(limits: configuration.signInLimits, millis: configuration.millis)
    }

    /// The refusal for every wrong username, password or disabled account: one message,
    /// so the answer does not tell which usernames exist.
    static let signInFailed = APIError(.unauthorized, "sign_in_failed", "username or password is wrong, or the account is disabled")

    /// Checks the password and opens a session. Failed attempts are counted in the
    /// replica (so the lockout holds at every campus after sync).
    ///
    /// Every attempt passes `SignInGate` first (per `source`, the remote address, and in
    /// all): a refused one costs no Argon2id and gets 429 whatever the username.
    func signIn(username: String, password: String, source: String, logger: Logger) throws -> WebSession {
        try gate.guarded(source: source, logger: logger) {
            try verifiedSignIn(username: username, password: password, source: source, logger: logger)
        }
    }

    private func verifiedSignIn(username: String, password: String, source: String, logger: Logger) throws -> WebSession {
        let now = configuration.clock.now()
        guard Account.isValidUsername(username), let account = try department.account(username: username) else {
            _ = hasher.verify(password, against: decoyHash)
            logger.notice("sign-in refused: unknown username", metadata: ["username": "\(username.prefix(64))", "source": "\(source)"])
            throw Self.signInFailed
        }
        // The lock holds addresses its owner never signed in from: a guesser elsewhere
        // (already slowed per source by the gate) cannot lock the owner out of their PC.
        if account.isLocked(at: now), !gate.isKnown(username: username, source: source) {
            // The same answer, after the same work, as an unknown name: a locked account
            // must not tell an attacker that the name exists.
            _ = hasher.verify(password, against: decoyHash)
            logger.notice("sign-in refused: account locked",
                          metadata: ["username": "\(username)", "until": "\(account.lockedUntil.map(\.description) ?? "")"])
            throw Self.signInFailed
        }
        guard hasher.verify(password, against: account.passwordHash), !account.disabled else {
            if !account.disabled {
                let after = try department.recordFailedSignIn(username: username, at: now, policy: configuration.lockout)
                logger.notice("sign-in refused: wrong password",
                              metadata: ["username": "\(username)", "locked": "\(after.isLocked(at: now))"])
            } else {
                logger.notice("sign-in refused: account disabled", metadata: ["username": "\(username)"])
            }
            throw Self.signInFailed
        }
        guard let staff = try department.person(account.person), staff.active else {
            logger.notice("sign-in refused: person inactive", metadata: ["username": "\(username)"])
            throw Self.signInFailed
        }
        let rehashed = hasher.needsRehash(account.passwordHash) ? try hasher.hash(password) : nil
        try department.recordSuccessfulSignIn(username: username, rehashed: rehashed, at: now)
        gate.rememberSuccess(username: username, source: source)
        let (session, evicted) = sessions.open(username: username, credentialStamp: rehashed ?? account.passwordHash, at: now)
        if evicted > 0 { logger.warning("session bound reached: oldest sessions ended", metadata: ["ended": "\(evicted)"]) }
        logger.info("signed in", metadata: ["username": "\(username)", "person": "\(staff.id)"])
        return session
    }

    /// The user of a session token, re-reading account and person; nil when the
    /// session is unknown or expired, or the account was disabled since.
    ///
    /// The session is bound to the replicated account: when its password hash is no
    /// longer the one the session was stamped with, or the account is disabled or gone,
    /// the session is ended here (not just refused), so re-enabling the account later
    /// does not revive it. Whoever changed it — the web, `meshdesk user`, another node.
    ///
    /// `stamp` is the replica's change counts of accounts and people (`ResolvedSessions`):
    /// while they are those of the last resolution of this token, nothing either reads can
    /// have changed, and the account and person are not read again.
    func resolve(token: String, logger: Logger, stamp: [UInt64]? = nil) throws -> SignedIn? {
        let now = configuration.clock.now()
        guard let session = sessions.find(token, at: now) else {
            resolved.forget(token)
            return nil
        }
        if let stamp, let (account, staff) = resolved.lookup(token, stamp: stamp) {
            return SignedIn(session: session, username: account.username, staff: staff,
                            passwordChangeDue: account.passwordChangeDue(at: now, periodDays: configuration.passwordChangePeriodDays))
        }
        let account = try department.account(username: session.username)
        let ended: String? = switch account {
        case .none: "account removed"
        case .some(let account) where account.disabled: "account disabled"
        case .some(let account) where account.passwordHash != session.credentialStamp: "password changed"
        default: nil
        }
        if let ended {
            sessions.close(token)
            logger.notice("session ended: \(ended)", metadata: ["username": "\(session.username)"])
            return nil
        }
        guard let account, let staff = try department.person(account.person), staff.active else { return nil }
        if let stamp { resolved.remember(token, stamp: stamp, account: account, staff: staff) }
        return SignedIn(session: session, username: account.username, staff: staff,
                        passwordChangeDue: account.passwordChangeDue(at: now, periodDays: configuration.passwordChangePeriodDays))
    }

    /// 修改密码 — the holder, knowing the current one. Other sessions of the account end.
    func changePassword(_ user: SignedIn, current: String, new: String) throws {
        guard let account = try department.account(username: user.username), hasher.verify(current, against: account.passwordHash) else {
            throw APIError(.forbidden, "wrong_password", "the current password is wrong")
        }
        guard !hasher.verify(new, against: account.passwordHash) else {
            throw APIError(.unprocessableContent, "password_unchanged", "the new password must differ from the current one")
        }
        let hash = try Self.hash(new, hasher: hasher, charactersMin: configuration.passwordCharactersMin)
        try department.setPassword(username: user.username, passwordHash: hash, by: Acting(user.person, at: configuration.clock.now()))
        sessions.closeAll(username: user.username, except: user.session.token)
        sessions.restamp(user.session.token, credentialStamp: hash)
    }

    func signOut(_ token: String) { sessions.close(token) }

    /// The password policy, then Argon2id. Shared with the CLI (`meshdesk user`).
    public static func hash(_ password: String, hasher: PasswordHasher, charactersMin: Int) throws -> String {
        guard password.count >= charactersMin else {
            throw APIError(.unprocessableContent, "password_too_short", "a password needs at least \(charactersMin) characters")
        }
        do {
            return try hasher.hash(password)
        } catch {
            throw APIError(.unprocessableContent, "password_refused", "\(error)")
        }
    }

    /// 初始化 — the first administrator and their account on an empty replica, for
    /// `meshdesk init`: the person gets administrator of every campus
    /// (`bootstrapAdministrator`), then the account is made (`createFirstAccount`).
    public static func createFirstAdministrator(department: Department, admin: StaffMember, username: String, password: String,
                                                hashing: PasswordHasher.Limits = .interactive, charactersMin: Int = 8,
                                                at now: LocalDateTime) throws {
        let hash = try hash(password, hasher: PasswordHasher(limits: hashing), charactersMin: charactersMin)
        try department.bootstrapAdministrator(admin, at: now)
        try department.createFirstAccount(username: username, person: admin.id, passwordHash: hash, at: now)
    }
}

/// The account and person each session resolved to, with the replica's change counts of
/// those two entities when they were read. The counts grow with every batch that touches
/// accounts or people — a password change, a disable, a role granted, here or synced — so
/// equal counts mean an unchanged account and person: a signed-in request then costs no
/// read of the replica. Bounded by `entriesMax`; past it the table starts over.
final class ResolvedSessions: Sendable {
    static let entriesMax = 20_000
    /// Which entities' counts the stamp holds, in order.
    static let entities: [EntityID] = [DomainSchema.account.id, DomainSchema.person.id]

    private struct Entry { let stamp: [UInt64]; let account: Account; let staff: StaffMember }
    private let entries = Mutex<[String: Entry]>([:])

    func lookup(_ token: String, stamp: [UInt64]) -> (Account, StaffMember)? {
        entries.withLock { all in
            guard let entry = all[token], entry.stamp == stamp else { return nil }
            return (entry.account, entry.staff)
        }
    }

    func remember(_ token: String, stamp: [UInt64], account: Account, staff: StaffMember) {
        entries.withLock { all in
            if all.count >= Self.entriesMax, all[token] == nil { all.removeAll() }
            all[token] = Entry(stamp: stamp, account: account, staff: staff)
        }
    }

    func forget(_ token: String) {
        _ = entries.withLock { $0.removeValue(forKey: token) }
    }
}
