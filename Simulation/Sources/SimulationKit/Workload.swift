import Replica
import Storage
import Sync

/// What one workload operation may see and record: the run's random source, the rows
/// acknowledged writes created so far (anywhere in the cluster), and what this write
/// creates or deletes (the checkers' evidence for "no deleted row resurrected").
public struct WorkloadContext {
    public var random: SplitMix64
    public let knownRows: [RowID]
    public internal(set) var created: [RowID] = []
    public internal(set) var deleted: [RowID] = []

    /// An existing row most of the time, a fresh one otherwise.
    public mutating func pickRow(_ tx: WriteTransaction, freshChance: Double = 0.25) -> RowID {
        if knownRows.isEmpty || Double.random(in: 0..<1, using: &random) < freshChance {
            let row = tx.newRowID()
            created.append(row)
            return row
        }
        return knownRows.randomElement(using: &random)!
    }

    public mutating func recordDelete(_ row: RowID) { deleted.append(row) }
}

/// One kind of local write. Pluggable: the test-entity operations below today, the
/// domain's commands (roster assignment, ticket transitions) as they land — each is a
/// closure over a `WriteTransaction`, so it goes through the real validation and apply.
public struct WorkloadOperation: Sendable {
    public let name: String
    public let weight: Int
    public let perform: @Sendable (WriteTransaction, inout WorkloadContext) throws -> Void

    public init(name: String, weight: Int, perform: @escaping @Sendable (WriteTransaction, inout WorkloadContext) throws -> Void) {
        precondition(weight > 0, "operation \(name) needs a positive weight")
        self.name = name
        self.weight = weight
        self.perform = perform
    }
}

/// The test schema: one entity with a field of every kind, and a small second entity.
public enum SimulationSchema {
    public static let ticket = EntitySchema(id: 1, name: "ticket", fields: [
        FieldSchema(id: 1, name: "title", kind: .register, type: .text),
        FieldSchema(id: 2, name: "department", kind: .register, type: .text, group: "place"),
        FieldSchema(id: 3, name: "location", kind: .register, type: .text, group: "place"),
        FieldSchema(id: 4, name: "assignee", kind: .surfacedRegister, type: .text),
        FieldSchema(id: 5, name: "priority", kind: .register, type: .integer),
        FieldSchema(id: 6, name: "spares", kind: .counter, type: .integer),
        FieldSchema(id: 7, name: "tags", kind: .addWinsSet, type: .text),
        FieldSchema(id: 8, name: "timeline", kind: .log, type: .text),
        FieldSchema(id: 9, name: "weight", kind: .register, type: .real),
        FieldSchema(id: 10, name: "photo", kind: .register, type: .bytes),
    ])
    public static let asset = EntitySchema(id: 2, name: "asset", fields: [
        FieldSchema(id: 1, name: "tag", kind: .register, type: .text),
        FieldSchema(id: 2, name: "state", kind: .register, type: .text),
    ])
    public static let v1 = Schema(version: 1, entities: [ticket, asset])
}

/// Random writes over every field kind of `SimulationSchema.ticket` (and `asset`).
public enum TicketWorkload {
    static let people = ["张伟", "王芳", "李娜", "刘洋", "陈静"]
    static let tags = ["net", "his", "printer", "pacs"]

    public static let operations: [WorkloadOperation] = [
        WorkloadOperation(name: "assign title", weight: 4) { tx, c in
            try tx.assign("ticket", c.pickRow(tx), ["title": .text("t\(c.random.next() % 9)"),
                                                     "priority": .integer(Int64(c.random.next() % 5))])
        },
        WorkloadOperation(name: "assign place group", weight: 2) { tx, c in
            try tx.assign("ticket", c.pickRow(tx), ["department": .text(people.randomElement(using: &c.random)!),
                                                     "location": .text("\(c.random.next() % 9 + 1)F")])
        },
        WorkloadOperation(name: "assign real and bytes", weight: 1) { tx, c in
            try tx.assign("ticket", c.pickRow(tx), ["weight": .real(Double(c.random.next() % 1000) / 8),
                                                     "photo": .bytes((0..<4).map { _ in UInt8(truncatingIfNeeded: c.random.next()) })])
        },
        WorkloadOperation(name: "assign surfaced", weight: 3) { tx, c in
            try tx.assignSurfaced("ticket", c.pickRow(tx), "assignee", .text(people.randomElement(using: &c.random)!))
        },
        WorkloadOperation(name: "increment", weight: 3) { tx, c in
            try tx.increment("ticket", c.pickRow(tx), "spares", by: Int64(c.random.next() % 9) - 3)
        },
        WorkloadOperation(name: "add tag", weight: 2) { tx, c in
            try tx.add("ticket", c.pickRow(tx), "tags", .text(tags.randomElement(using: &c.random)!))
        },
        WorkloadOperation(name: "remove tag", weight: 2) { tx, c in
            try tx.remove("ticket", c.pickRow(tx, freshChance: 0), "tags", .text(tags.randomElement(using: &c.random)!))
        },
        WorkloadOperation(name: "append", weight: 3) { tx, c in
            try tx.append("ticket", c.pickRow(tx), "timeline", .text("note \(c.random.next() % 100)"))
        },
        WorkloadOperation(name: "asset", weight: 1) { tx, c in
            try tx.assign("asset", tx.newRowID(), ["tag": .text("A-\(c.random.next() % 1000)"), "state": "in use"])
        },
        WorkloadOperation(name: "delete", weight: 1) { tx, c in
            let row = c.pickRow(tx, freshChance: 0)
            try tx.delete("ticket", row)
            c.recordDelete(row)
        },
    ]

    /// The poisoned batch (`FaultAction.poisonedBatch`): the ends of `Int64` in an integer
    /// register, increments that overflow the counter's `Int64` sum both ways, infinities
    /// and a negative zero in a real, NUL, a formula and 10,000 characters in text. Fresh
    /// rows and known ones, so the poison also lands on rows other writes touch.
    public static let poison = WorkloadOperation(name: "poisoned batch", weight: 1) { tx, c in
        let extremes: [(Int64, Double, String)] = [
            (.max, .infinity, "\u{0}"), (.min, -.infinity, "=cmd|' /C calc'!A0"),
            (-1, -0.0, String(repeating: "长", count: 10_000)),
        ]
        for (integer, real, text) in extremes {
            let row = c.pickRow(tx, freshChance: 0.5)
            try tx.assign("ticket", row, ["title": .text(text), "priority": .integer(integer), "weight": .real(real),
                                          "department": .text(text), "location": .text("")])
            try tx.assignSurfaced("ticket", row, "assignee", .text(text))
            try tx.increment("ticket", row, "spares", by: .max)
            try tx.increment("ticket", row, "spares", by: .max)
            try tx.increment("ticket", row, "spares", by: .min)
            try tx.add("ticket", row, "tags", .text(text))
            try tx.append("ticket", row, "timeline", .text(text))
        }
    }

    /// Picks by weight.
    static func pick(_ operations: [WorkloadOperation], using random: inout SplitMix64) -> WorkloadOperation {
        let total = operations.reduce(0) { $0 + $1.weight }
        var ticket = Int.random(in: 0..<total, using: &random)
        for operation in operations {
            if ticket < operation.weight { return operation }
            ticket -= operation.weight
        }
        preconditionFailure("weights exhausted")
    }
}
