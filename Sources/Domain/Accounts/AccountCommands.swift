import GRDB
import Replica
import Storage

/// 账号管理 — accounts of the web server: created, reset and disabled by an
/// administrator of the person's campus; the password changed by its holder; failed
/// sign-ins counted and locked out. Every write is audited like any other command.
extension Department {
    /// 开户 — a new account for `person` (administrator of the person's campus).
    /// `mustChangePassword` is normally true: the administrator chose the password.
    public func createAccount(username: String, person: PersonID, passwordHash: String, mustChangePassword: Bool = true,
                              by acting: Acting) throws(DomainError) {
        try perform(acting, "account.create") { tx, actor in
            guard let staff = try Directory.person(tx.db, person) else { throw DomainError.unknownPerson(person) }
            try Permissions.require(actor, .administrator, at: staff.campus, to: "create an account for \(person)")
            try Self.requireNewAccount(username, person: person, db: tx.db)
            try Self.writeAccount(username: username, person: person, hash: passwordHash, mustChange: mustChangePassword,
                                  at: acting.now, tx: tx)
            return ((), username)
        }
    }

    /// 初始化管理员账号 — the account of the first administrator, on a replica that has
    /// none yet (called by `meshdesk init` after `bootstrapAdministrator`). The person
    /// must already hold administrator of every campus. `mustChangePassword` is set when
    /// `init` generated the password and printed it: a one-time password.
    public func createFirstAccount(username: String, person: PersonID, passwordHash: String, mustChangePassword: Bool = false,
                                   at now: LocalDateTime) throws(DomainError) {
        try perform(Acting(person, at: now), "account.bootstrap") { tx, actor in
            let count = try Int.fetchOne(tx.db, sql: "SELECT count(*) FROM \(ReplicaQueries.tableName(DomainSchema.account))") ?? 0
            guard count == 0 else { throw DomainError.alreadyExists("an account (the first one is made once)") }
            guard actor.roles.contains(RoleGrant(.administrator, .allCampuses)) else {
                throw DomainError.notPermitted(actor: actor.id, action: "own the first account", needs: "\(Role.administrator) of scope *")
            }
            try Self.requireNewAccount(username, person: person, db: tx.db)
            try Self.writeAccount(username: username, person: person, hash: passwordHash, mustChange: mustChangePassword,
                                  at: now, tx: tx)
            return ((), username)
        }
    }

    /// 修改密码 — by the holder (done: no change due) or an administrator of the
    /// person's campus (a reset: the holder must change it again).
    public func setPassword(username: String, passwordHash: String, by acting: Acting) throws(DomainError) {
        try perform(acting, "account.password") { tx, actor in
            let account = try Self.requireAccount(username, db: tx.db)
            let bySelf = actor.id == account.person
            if !bySelf {
                let campus = try Directory.person(tx.db, account.person)?.campus ?? CampusCode("")
                try Permissions.require(actor, .administrator, at: campus, to: "reset the password of \(username)")
            }
            try Self.writeAccount(username: username, person: account.person, hash: passwordHash, mustChange: !bySelf,
                                  at: acting.now, tx: tx)
            if !bySelf { try Self.writeLockout(username, failures: 0, lockedUntil: nil, tx: tx) }
            return ((), username)
        }
    }

    /// 停用 / 启用 — an administrator of the person's campus. Disabling also ends the
    /// account's sessions at the next request (the server re-reads the account).
    public func setAccountDisabled(username: String, disabled: Bool, by acting: Acting) throws(DomainError) {
        try perform(acting, disabled ? "account.disable" : "account.enable") { tx, actor in
            let account = try Self.requireAccount(username, db: tx.db)
            let campus = try Directory.person(tx.db, account.person)?.campus ?? CampusCode("")
            try Permissions.require(actor, .administrator, at: campus, to: "\(disabled ? "disable" : "enable") account \(username)")
            if disabled { try Self.requireAnotherAdministrator(besides: username, db: tx.db) }
            try tx.assign(DomainSchema.account.name, Self.accountRow(username), ["disabled": disabled ? 1 : 0])
            return ((), username)
        }
    }

    /// 解锁 — clears a lockout (and the failure count) before it runs out, for an
    /// administrator of the person's campus. Refused when the account is not locked, so
    /// the audit trail holds only unlocks that did something.
    public func unlockAccount(username: String, by acting: Acting) throws(DomainError) {
        try perform(acting, "account.unlock") { tx, actor in
            let account = try Self.requireAccount(username, db: tx.db)
            let campus = try Directory.person(tx.db, account.person)?.campus ?? CampusCode("")
            try Permissions.require(actor, .administrator, at: campus, to: "unlock account \(username)")
            guard account.isLocked(at: acting.now) || account.failedAttempts > 0 else {
                throw DomainError.wrongState(what: "account \(username)", state: "not locked", action: "unlock")
            }
            try Self.writeLockout(username, failures: 0, lockedUntil: nil, tx: tx)
            return ((), username)
        }
    }

    /// The department must keep one way in: disabling the only enabled account of an
    /// active administrator of every campus would leave nobody to manage the others.
    private static func requireAnotherAdministrator(besides username: String, db: Database) throws {
        func administers(_ account: Account) throws -> Bool {
            guard !account.disabled, let person = try Directory.person(db, account.person), person.active else { return false }
            return person.roles.contains(RoleGrant(.administrator, .allCampuses))
        }
        let accounts = try StoredRows.fetch(db, DomainSchema.account).map(account(from:))
        guard let target = accounts.first(where: { $0.username == username }), try administers(target) else { return }
        var others = false
        for account in accounts where account.username != username { if try administers(account) { others = true; break } }
        guard others else {
            throw DomainError.invalid(field: "last administrator", reason: "\(username) is the only enabled account of an administrator of every campus")
        }
    }

    /// A failed sign-in: counted, and the account locked when the count reaches the
    /// policy's maximum. Audited under the person the attempt claimed to be. Returns
    /// the account as it now stands. Nothing is written while already locked, so a
    /// locked account cannot be made to grow the log.
    @discardableResult
    public func recordFailedSignIn(username: String, at now: LocalDateTime, policy: LockoutPolicy) throws(DomainError) -> Account {
        try systemWrite { tx in
            let account = try Self.requireAccount(username, db: tx.db)
            guard !account.isLocked(at: now) else { return account }
            let failures = account.failedAttempts + 1
            let locks = failures >= policy.failuresMax
            let until = locks ? LocalDateTime(minutesSinceEpoch: now.minutesSinceEpoch + policy.lockMinutes) : nil
            try Self.writeLockout(username, failures: locks ? 0 : failures, lockedUntil: until, tx: tx)
            try AuditTrail.append(AuditEntry(actor: account.person.rawValue, action: locks ? "account.locked" : "account.sign_in_failed",
                                             subject: username, at: now.minutesSinceEpoch, node: store.site.description), tx: tx)
            return try Self.requireAccount(username, db: tx.db)
        }
    }

    /// A successful sign-in clears the failure count (written only when there is one,
    /// so an ordinary sign-in writes nothing) and, when given, stores a rehashed password.
    public func recordSuccessfulSignIn(username: String, rehashed: String?, at now: LocalDateTime) throws(DomainError) {
        let account = try query { db in try Self.requireAccount(username, db: db) }
        guard account.failedAttempts > 0 || account.lockedUntil != nil || rehashed != nil else { return }
        try systemWrite { tx in
            try Self.writeLockout(username, failures: 0, lockedUntil: nil, tx: tx)
            if let rehashed {
                try tx.assign(DomainSchema.account.name, Self.accountRow(username), [
                    "password_hash": .text(rehashed), "password_changed_at": .integer(Int64(account.passwordChangedAt.minutesSinceEpoch)),
                    "must_change_password": account.mustChangePassword ? 1 : 0,
                ])
            }
        }
    }

    // MARK: - Queries

    public func account(username: String) throws(DomainError) -> Account? {
        try query { db in try Self.fetchAccount(username, db: db) }
    }

    public func accounts() throws(DomainError) -> [Account] {
        try query { db in
            try StoredRows.fetch(db, DomainSchema.account).map(Self.account(from:)).sorted { $0.username < $1.username }
        }
    }

    // MARK: - Rows

    static func accountRow(_ username: String) -> RowID { NaturalKey.rowID(DomainSchema.account, username) }

    static func fetchAccount(_ username: String, db: Database) throws -> Account? {
        try StoredRows.fetchOne(db, DomainSchema.account, id: accountRow(username)).map(account(from:))
    }

    private static func requireAccount(_ username: String, db: Database) throws -> Account {
        guard let account = try fetchAccount(username, db: db) else { throw DomainError.unknownRequest(kind: "account", id: username) }
        return account
    }

    private static func requireNewAccount(_ username: String, person: PersonID, db: Database) throws {
        guard Account.isValidUsername(username) else { throw DomainError.missing(field: "username (a–z, 0–9, . _ -, at most 64)") }
        guard try fetchAccount(username, db: db) == nil else { throw DomainError.alreadyExists("account \(username)") }
        let taken = try StoredRows.fetch(db, DomainSchema.account, where: "person = ?", [person.rawValue])
        guard taken.isEmpty else { throw DomainError.alreadyExists("an account for \(person)") }
    }

    private static func account(from row: Row) -> Account {
        Account(username: (row["username"] as String?) ?? "", person: PersonID((row["person"] as String?) ?? ""),
                passwordHash: (row["password_hash"] as String?) ?? "",
                passwordChangedAt: LocalDateTime(minutesSinceEpoch: (row["password_changed_at"] as Int?) ?? 0),
                mustChangePassword: ((row["must_change_password"] as Int?) ?? 1) != 0,
                disabled: ((row["disabled"] as Int?) ?? 0) != 0,
                failedAttempts: (row["failed_attempts"] as Int?) ?? 0,
                lockedUntil: (row["locked_until"] as Int?).map(LocalDateTime.init(minutesSinceEpoch:)))
    }

    private static func writeAccount(username: String, person: PersonID, hash: String, mustChange: Bool, at now: LocalDateTime,
                                     tx: WriteTransaction) throws {
        guard !hash.isEmpty else { throw DomainError.missing(field: "password hash") }
        try tx.assign(DomainSchema.account.name, accountRow(username), [
            "username": .text(username), "person": .text(person.rawValue), "password_hash": .text(hash),
            "password_changed_at": .integer(Int64(now.minutesSinceEpoch)), "must_change_password": mustChange ? 1 : 0,
        ])
    }

    private static func writeLockout(_ username: String, failures: Int, lockedUntil: LocalDateTime?, tx: WriteTransaction) throws {
        try tx.assign(DomainSchema.account.name, accountRow(username), [
            "failed_attempts": .integer(Int64(failures)),
            "locked_until": lockedUntil.map { .integer(Int64($0.minutesSinceEpoch)) } ?? .null,
        ])
    }

    /// A write the node makes on its own behalf (sign-in bookkeeping), not a person's command.
    private func systemWrite<T>(_ body: (WriteTransaction) throws -> T) throws(DomainError) -> T {
        do {
            return try store.write(body).value
        } catch let error as DomainError {
            throw error
        } catch {
            throw .storage("\(error)")
        }
    }
}
