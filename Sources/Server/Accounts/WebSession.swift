import Domain
import Security
import Synchronization

/// 会话 — one signed-in browser or API client. Held by the node that issued it, in
/// memory: a session is not replicated (a user failing over signs in again at the
/// other node; the account itself is replicated), and a restart ends every session.
public struct WebSession: Sendable, Hashable {
    /// The cookie value: 256 random bits from libsodium.
    public let token: String
    /// The synchronizer token every cookie-authenticated write must echo (CSRF).
    public let csrfToken: String
    public let username: String
    /// The account's password hash when the session opened (or was re-stamped by the
    /// holder's own password change). An Argon2id string carries its own random salt, so
    /// every `setPassword` — web, CLI, another node, synced — changes it; `resolve`
    /// ends the session when the replicated account no longer has this hash.
    public let credentialStamp: String
    public let createdAt: LocalDateTime
    public let expiresAt: LocalDateTime
}

/// The node's sessions, bounded by `sessionsMax`.
public final class SessionStore: Sendable {
    private let sessions = Mutex<[String: WebSession]>([:])
    let sessionsMax: Int
    let lifetimeMinutes: Int

    init(sessionsMax: Int, lifetimeMinutes: Int) {
        precondition(sessionsMax > 0 && lifetimeMinutes > 0)
        self.sessionsMax = sessionsMax
        self.lifetimeMinutes = lifetimeMinutes
    }

    /// A new session. At the bound, expired sessions go first, then the oldest.
    func open(username: String, credentialStamp: String, at now: LocalDateTime) -> (WebSession, evicted: Int) {
        let session = WebSession(token: RandomToken.hex(), csrfToken: RandomToken.hex(), username: username,
                                 credentialStamp: credentialStamp, createdAt: now,
                                 expiresAt: LocalDateTime(minutesSinceEpoch: now.minutesSinceEpoch + lifetimeMinutes))
        let evicted = sessions.withLock { all in
            var evicted = 0
            if all.count >= sessionsMax {
                for (token, s) in all where s.expiresAt <= now { all[token] = nil; evicted += 1 }
            }
            while all.count >= sessionsMax, let oldest = all.values.min(by: { $0.createdAt < $1.createdAt }) {
                all[oldest.token] = nil
                evicted += 1
            }
            all[session.token] = session
            return evicted
        }
        return (session, evicted)
    }

    /// The live session of `token`, or nil (unknown or expired; an expired one is dropped).
    func find(_ token: String, at now: LocalDateTime) -> WebSession? {
        sessions.withLock { all in
            guard let session = all[token] else { return nil }
            guard now < session.expiresAt else { all[token] = nil; return nil }
            return session
        }
    }

    /// Binds the session of `token` to a new credential stamp (its holder changed the
    /// password in this session, which stays open).
    func restamp(_ token: String, credentialStamp: String) {
        sessions.withLock { all in
            guard let s = all[token] else { return }
            all[token] = WebSession(token: s.token, csrfToken: s.csrfToken, username: s.username, credentialStamp: credentialStamp,
                                    createdAt: s.createdAt, expiresAt: s.expiresAt)
        }
    }

    func close(_ token: String) {
        _ = sessions.withLock { $0.removeValue(forKey: token) }
    }

    /// Ends every session of `username` (after a password change or reset).
    func closeAll(username: String, except keep: String? = nil) {
        sessions.withLock { all in
            for (token, s) in all where s.username == username && token != keep { all[token] = nil }
        }
    }

    var count: Int { sessions.withLock { $0.count } }
}
