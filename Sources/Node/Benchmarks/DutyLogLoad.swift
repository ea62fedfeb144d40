import Domain
import Foundation
import Replica
import Storage

/// Bulk load of real domain rows for the benchmarks and the node tests: 值班记录 (duty
/// log) entries, each on the duty log of its own day (so a change is a row), written as
/// the domain writes them (`Department.writeDutyLog`: the row keyed by campus, post and
/// date, one JSON entry appended) but without the on-duty checks, which need a roster.
/// The values are valid domain values, so every reader of the replica reads them.
/// It replaces the development fixture entity that used to ship in every schema.
public enum DutyLogLoad {
    /// The post every load entry is logged under.
    public static let post = "desk"
    /// Entries of the load, at most, per call: a day per entry from `firstDay`.
    public static let entriesMax = 1_000_000
    static let firstDay = LocalDate(daysSinceEpoch: 10_957)  // 2000-01-01

    struct Entry: Encodable {
        let by: String
        let at: Int
        let text: String
    }

    /// Records entry `index` (its own day) in `tx`.
    public static func record(in tx: WriteTransaction, campus: String, index: Int, text: String) throws {
        precondition(index >= 0 && index < entriesMax, "duty log load index \(index)")
        let date = firstDay.adding(days: index)
        let row = NaturalKey.rowID(DomainSchema.dutyLog, campus, post, date.iso)
        try tx.assign(DomainSchema.dutyLog.name, row, ["campus": .text(campus), "post": .text(post), "date": .text(date.iso)])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let entry = String(decoding: try encoder.encode(Entry(by: "LOAD", at: LocalDateTime(date: date, minuteOfDay: 9 * 60).minutesSinceEpoch,
                                                               text: text)), as: UTF8.self)
        try tx.append(DomainSchema.dutyLog.name, row, "entries", .text(entry))
    }

    /// Writes `count` entries in transactions of `perBatch` (one batch each); returns the count.
    @discardableResult
    public static func write(into store: ReplicaStore, campus: String, count: Int, perBatch: Int = 1,
                             text: (Int) -> String = { "值班记录 #\($0)" }) throws -> Int {
        precondition(perBatch >= 1 && count <= entriesMax)
        var written = 0
        while written < count {
            let n = min(perBatch, count - written)
            let base = written
            _ = try store.write { tx in
                for i in base..<(base + n) { try record(in: tx, campus: campus, index: i, text: text(i)) }
            }
            written += n
        }
        return written
    }
}
