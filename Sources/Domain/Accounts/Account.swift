/// 用户账号 — a sign-in account bound to one person of the staff directory. What its
/// user may do comes from the person's roles; the account only proves who they are.
/// The password hash is opaque here (Argon2id, made by `Security.PasswordHasher` in
/// the server or CLI): the domain stores and replicates it, never computes it.
public struct Account: Hashable, Sendable {
    public let username: String
    public let person: PersonID
    public let passwordHash: String
    public let passwordChangedAt: LocalDateTime
    /// Set when an administrator chose the password (new account, reset): its holder
    /// must replace it before doing anything else.
    public let mustChangePassword: Bool
    public let disabled: Bool
    public let failedAttempts: Int
    public let lockedUntil: LocalDateTime?

    /// Whether sign-in is refused at `now` because of repeated failures.
    public func isLocked(at now: LocalDateTime) -> Bool {
        lockedUntil.map { now < $0 } ?? false
    }

    /// Whether the password must be changed at `now`: set by someone else, or older
    /// than the periodic change period (定期修改密码; nil = no period).
    public func passwordChangeDue(at now: LocalDateTime, periodDays: Int?) -> Bool {
        if mustChangePassword { return true }
        guard let periodDays else { return false }
        return now.minutesSinceEpoch - passwordChangedAt.minutesSinceEpoch >= periodDays * LocalDateTime.minutesPerDay
    }

    /// Usernames are lowercase ASCII letters, digits, `.`, `_`, `-`, 1…64 long: they
    /// appear in logs, audit lines and URLs, so nothing there needs escaping.
    public static let usernameCharactersMax = 64

    public static func isValidUsername(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= usernameCharactersMax else { return false }
        return text.utf8.allSatisfy { c in
            (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2E || c == 0x5F || c == 0x2D
        }
    }
}

/// 账号锁定 — how many failed sign-ins lock an account, and for how long.
public struct LockoutPolicy: Hashable, Sendable {
    public let failuresMax: Int
    public let lockMinutes: Int

    public init(failuresMax: Int = 5, lockMinutes: Int = 15) {
        precondition(failuresMax >= 1 && lockMinutes >= 1, "a lockout policy needs at least one failure and one minute")
        self.failuresMax = failuresMax
        self.lockMinutes = lockMinutes
    }

    public static let standard = LockoutPolicy()
}
