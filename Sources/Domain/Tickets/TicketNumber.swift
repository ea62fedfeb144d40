import GRDB
import Replica
import Storage

/// 工单号 — `EAST-2026-7C2A-00042`: campus, year, the issuing node's tag, and that node's
/// own sequence for the campus and year.
///
/// Why a node tag: campuses number tickets while cut off from each other, and during a
/// failover one campus's node opens tickets for another campus. A sequence shared by a
/// campus would need coordination; a sequence per issuing node needs none, and the tag
/// (the first 16 bits of the node's site id) keeps two nodes' sequences apart. The
/// ticket's row id, not its number, is the replica key, so even two nodes whose tags
/// coincide cannot merge two tickets into one; `TicketProblems` lists such a duplicate
/// number for a human to retag.
public struct TicketNumber: Hashable, Sendable {
    public let campus: CampusCode
    public let year: Int
    /// The issuing node's site id (hex), stored in full.
    public let issuer: String
    public let seq: Int

    /// More tickets than this from one node, for one campus, in one year is refused.
    public static let seqMax = 99_999

    /// The first 16 bits of the site id; for an issuer of a later epoch (the node was
    /// restored or rebuilt), 16 bits of a hash of site and epoch instead, so its numbers
    /// never read like those its earlier epoch may have issued after the backup it was
    /// restored from (it does not know them until its peers tell it).
    public var tag: String {
        guard issuer.contains(Self.epochMark) else { return String(issuer.prefix(4)).uppercased() }
        var hash: UInt32 = 0x811C_9DC5
        for byte in issuer.utf8 { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        let tag = String((hash >> 16) ^ (hash & 0xFFFF), radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - tag.count) + tag
    }

    static let epochMark = "-e"

    /// The issuer of `origin`: the site id, with the epoch once it is past the first —
    /// a restored node's sequence starts again under a new issuer instead of re-issuing
    /// numbers of the old one.
    static func issuer(_ origin: Origin) -> String {
        origin.epoch <= 1 ? origin.site.description : "\(origin.site.description)\(epochMark)\(origin.epoch)"
    }
    public var text: String { "\(campus.rawValue)-\(year)-\(tag)-\(LocalDate.pad(seq, 5))" }

    /// The next number this node issues; `sequences` carries numbers handed out earlier in
    /// the same transaction (not yet materialised).
    static func next(_ db: Database, campus: CampusCode, year: Int, origin: Origin, sequences: inout [String: Int]) throws -> TicketNumber {
        let issuer = Self.issuer(origin)
        let key = "\(campus.rawValue)|\(year)"
        let last: Int
        if let cached = sequences[key] {
            last = cached
        } else {
            last = try Int.fetchOne(db, sql: """
                SELECT max(seq) FROM \(ReplicaQueries.tableName(DomainSchema.ticket)) WHERE issuer = ? AND campus = ? AND year = ?
                """, arguments: [issuer, campus.rawValue, year]) ?? 0
        }
        guard last < seqMax else {
            throw DomainError.invalid(field: "ticket number", reason: "this node has issued \(seqMax) numbers for \(campus) in \(year)")
        }
        sequences[key] = last + 1
        return TicketNumber(campus: campus, year: year, issuer: issuer, seq: last + 1)
    }
}
