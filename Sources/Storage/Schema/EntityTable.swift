import GRDB
import Replica

/// The materialised table of one entity: the SQL that creates it and the statements
/// that merge changes into it. Stamps sit beside the values they order (`title` and
/// `title__s`), so a register merge is one upsert with a comparison in SQL — no
/// separate clock table, no read-modify-write round trip.
struct EntityTable: Sendable {
    let schema: EntitySchema
    let tableName: String
    /// Register fields in column order, and the stamp column each one is ordered by.
    let registerColumns: [(field: FieldSchema, stampColumn: String)]
    /// Stamp columns in the order they are bound: one per ungrouped register, one per group.
    let stampColumns: [String]
    /// For each field id of a register, its index in `registerColumns`.
    let registerIndex: [FieldID: Int]
    /// For each stamp column, the register indexes it stamps.
    let stampMembers: [[Int]]
    let assignSQL: String
    /// The same upsert without the tombstone probe, for batches applied while the
    /// entity has no tombstone at all (the common case; a probe per row is measurable).
    let assignUncheckedSQL: String
    let touchSQL: String
    /// For each field id, its index in `registerColumns`, or -1: an array, not a
    /// dictionary, because it is consulted for every assignment merged.
    let registerIndexByField: [Int]
    /// For each register index, the index of its stamp column.
    let stampIndexOfRegister: [Int]
    /// NULL arguments of the right count, for `FastBinding`.
    let assignNulls: StatementArguments
    static let touchNulls = StatementArguments([DatabaseValue.null, .null])
    static let incrementNulls = StatementArguments([DatabaseValue.null, .null, .null])

    init(schema: EntitySchema) {
        self.schema = schema
        self.tableName = "e_\(schema.name)"
        var registers: [(FieldSchema, String)] = []
        var stamps: [String] = []
        var members: [[Int]] = []
        var stampIndexByGroup: [String: Int] = [:]
        for field in schema.fields where field.kind == .register {
            let index = registers.count
            if let group = field.group {
                let column = "\(group)__gs"
                if let existing = stampIndexByGroup[group] {
                    members[existing].append(index)
                } else {
                    stampIndexByGroup[group] = stamps.count
                    stamps.append(column)
                    members.append([index])
                }
                registers.append((field, column))
            } else {
                stamps.append("\(field.name)__s")
                members.append([index])
                registers.append((field, "\(field.name)__s"))
            }
        }
        self.registerColumns = registers
        self.stampColumns = stamps
        self.stampMembers = members
        self.registerIndex = Dictionary(uniqueKeysWithValues: registers.enumerated().map { ($0.element.0.id, $0.offset) })
        var byField = [Int](repeating: -1, count: Int(schema.fields.map(\.id).max() ?? 0) + 1)
        for (index, register) in registers.enumerated() { byField[Int(register.0.id)] = index }
        self.registerIndexByField = byField
        var stampOf = [Int](repeating: 0, count: registers.count)
        for (s, memberIndexes) in members.enumerated() { for m in memberIndexes { stampOf[m] = s } }
        self.stampIndexOfRegister = stampOf
        self.assignNulls = StatementArguments([DatabaseValue](repeating: .null, count: 2 + registers.count + stamps.count))
        let notDeleted = "WHERE NOT EXISTS (SELECT 1 FROM tombstones WHERE entity = \(schema.id) AND row = ?1)"
        // Placeholders: ?1 id, ?2 row stamp, then each register value, then each stamp column.
        let valueColumns = registers.map { quoted($0.0.name) }
        let insertColumns = ["id", "_s"] + valueColumns + stamps.map(quoted)
        let placeholders = (1...insertColumns.count).map { "?\($0)" }
        var updates = ["_s = max(_s, excluded._s)"]
        for (field, stampColumn) in registers {
            let name = quoted(field.name)
            updates.append("\(name) = CASE WHEN excluded.\(quoted(stampColumn)) > coalesce(\(quoted(stampColumn)), x'') THEN excluded.\(name) ELSE \(name) END")
        }
        for column in stamps {
            let c = quoted(column)
            updates.append("\(c) = CASE WHEN excluded.\(c) > coalesce(\(c), x'') THEN excluded.\(c) ELSE \(c) END")
        }
        let table = quoted(tableName)
        let upsert = { (condition: String) in
            """
            INSERT INTO \(table) (\(insertColumns.joined(separator: ", ")))
            SELECT \(placeholders.joined(separator: ", ")) \(condition)
            ON CONFLICT(id) DO UPDATE SET \(updates.joined(separator: ", "))
            """
        }
        self.assignSQL = upsert(notDeleted)
        // SQLite needs a WHERE after INSERT … SELECT before ON CONFLICT to parse it.
        self.assignUncheckedSQL = upsert("WHERE 1")
        self.touchSQL = """
            INSERT INTO \(quoted(tableName)) (id, _s) SELECT ?1, ?2 \(notDeleted)
            ON CONFLICT(id) DO UPDATE SET _s = max(_s, excluded._s)
            """
    }

    func incrementSQL(_ field: FieldSchema) -> String {
        let c = quoted(field.name)
        return """
            INSERT INTO \(quoted(tableName)) (id, _s, \(c)) SELECT ?1, ?2, ?3
            WHERE NOT EXISTS (SELECT 1 FROM tombstones WHERE entity = \(schema.id) AND row = ?1)
            ON CONFLICT(id) DO UPDATE SET _s = max(_s, excluded._s), \(c) = \(c) + excluded.\(c)
            """
    }

    /// Column definitions, for CREATE TABLE and for columns added by a later schema.
    func columnDefinitions(for field: FieldSchema) -> [String] {
        let name = quoted(field.name)
        switch field.kind {
        case .register:
            return field.group == nil ? [name, quoted("\(field.name)__s") + " BLOB"] : [name]
        case .surfacedRegister:
            return [name, quoted("\(field.name)__n") + " INTEGER NOT NULL DEFAULT 0"]
        case .counter:
            return [name + " INTEGER NOT NULL DEFAULT 0"]
        case .addWinsSet, .log:
            return []
        }
    }

    func groupStampColumn(_ group: String) -> String { quoted("\(group)__gs") + " BLOB" }

    var createSQL: String {
        var columns = ["id BLOB PRIMARY KEY NOT NULL", "_s BLOB NOT NULL"]
        var groups = Set<String>()
        for field in schema.fields {
            columns += columnDefinitions(for: field)
            if let group = field.group, groups.insert(group).inserted { columns.append(groupStampColumn(group)) }
        }
        return "CREATE TABLE \(quoted(tableName)) (\(columns.joined(separator: ", "))) WITHOUT ROWID"
    }
}

func quoted(_ identifier: String) -> String { "\"\(identifier)\"" }
