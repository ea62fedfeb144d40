import Foundation
import Logging
import Node
import Security
import Synchronization

/// 日历订阅令牌 — the secret in a calendar subscription URL (`/calendar/{token}.ics`).
///
/// One token per account: a new one replaces (revokes) the old. It is not the session
/// and grants nothing but that account's own duty calendar. Only its BLAKE2b hash is
/// kept, with when it was made, in `<data>/calendar-tokens.json` (0600, replaced
/// atomically), so a subscription keeps working after a restart of this node.
///
/// Per node, not replicated: a token is known to the node that issued it (the URL names
/// that node anyway). Putting it in the replicated account row would need a schema
/// version 3 — every node upgraded before any new batch is read — for a convenience
/// feature; see docs/server.md.
final class CalendarTokens: Sendable {
    struct Entry: Codable, Sendable, Equatable {
        let hash: String
        let createdAt: Int
    }

    /// Bounds the file: one entry per account, and accounts are bounded by the directory.
    static let entriesMax = 100_000
    /// Tokens are `RandomToken.hex()` (64 hex digits); anything longer is not one of ours.
    static let tokenCharactersMax = 128

    private let file: URL?
    private let entries: Mutex<[String: Entry]>

    /// `file` nil: in memory only (tests that do not restart).
    /// A file that is there but cannot be read or decoded is logged, not silently
    /// dropped: every subscription link of this node stops working until users make new
    /// ones, and the operator should know why. A missing file is the normal first start.
    init(file: URL?, logger: Logger = Logger(label: "meshdesk.web.calendar")) {
        self.file = file
        var loaded: [String: Entry] = [:]
        if let file, FileManager.default.fileExists(atPath: file.path) {
            do {
                loaded = try JSONDecoder().decode([String: Entry].self, from: Data(contentsOf: file))
            } catch {
                logger.error("calendar subscription tokens unreadable: every link of this node is void until made anew",
                             metadata: ["file": "\(file.path)", "error": "\(error)"])
            }
        }
        entries = Mutex(loaded)
    }

    static func hash(_ token: String) -> String {
        Blake2b.digest(Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A new token for `username`, replacing any older one. Returned once, never stored.
    func issue(username: String, at minute: Int) throws -> String {
        let token = RandomToken.hex()
        try update { $0[username] = Entry(hash: Self.hash(token), createdAt: minute) }
        return token
    }

    func revoke(username: String) throws {
        try update { $0[username] = nil }
    }

    /// When `username`'s current token was made (minutes since the epoch), if there is one.
    func issuedAt(username: String) -> Int? {
        entries.withLock { $0[username]?.createdAt }
    }

    /// The account whose current token this is.
    func username(for token: String) -> String? {
        guard !token.isEmpty, token.utf8.count <= Self.tokenCharactersMax else { return nil }
        let presented = Self.hash(token)
        return entries.withLock { all in
            all.first { RandomToken.equal($0.value.hash, presented) }?.key
        }
    }

    private func update(_ change: (inout [String: Entry]) -> Void) throws {
        try entries.withLock { all in
            var next = all
            change(&next)
            guard next.count <= Self.entriesMax else { throw APIError(.serviceUnavailable, "calendar_tokens_full", "too many calendar tokens on this node") }
            if let file {
                let encoder = JSONEncoder()
                encoder.outputFormatting = .sortedKeys
                try DataDirectory.writePrivately(try encoder.encode(next), to: file)
            }
            all = next
        }
    }
}
