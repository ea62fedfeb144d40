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
    /// The materialised state in canonical form, stamps normalised: what the digest hashes.
    let digestSQL: String
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
        // Parameters: ?1 id, ?2 the change's stamp, then each register value, then, per
        // stamp column, the stamp if the change writes it (else NULL).
        //
        // Stamps are stored compactly (docs/replication.md, "Storage layout"): `_c` is the
        // stamp that created the row here; a stamp column holds NULL when its stamp is
        // `_c`, the empty blob when the field was never written, else the stamp. The
        // effective stamp is `coalesce(column, _c)`. A row inserted by one change — the
        // common case — so carries one stamp instead of one per field.
        let valueColumns = registers.map { quoted($0.0.name) }
        let stampParameter = { (s: Int) in "?\(3 + registers.count + s)" }
        let insertColumns = ["id", "_c", "_s"] + valueColumns + stamps.map(quoted)
        let insertValues = ["?1", "?2", "NULL"] + (0..<registers.count).map { "?\(3 + $0)" }
            + (0..<stamps.count).map { "CASE WHEN \(stampParameter($0)) IS NULL THEN x'' END" }
        var updates = ["_s = nullif(max(coalesce(_s, _c), ?2), _c)"]
        for (index, (field, stampColumn)) in registers.enumerated() {
            let name = quoted(field.name)
            let k = stampParameter(stampIndexOfRegisterLocal(index, members))
            updates.append("\(name) = CASE WHEN \(k) > coalesce(\(quoted(stampColumn)), _c) THEN excluded.\(name) ELSE \(name) END")
        }
        for (s, column) in stamps.enumerated() {
            let c = quoted(column), k = stampParameter(s)
            updates.append("\(c) = CASE WHEN \(k) > coalesce(\(c), _c) THEN nullif(\(k), _c) ELSE \(c) END")
        }
        let table = quoted(tableName)
        let upsert = { (condition: String) in
            """
            INSERT INTO \(table) (\(insertColumns.joined(separator: ", ")))
            SELECT \(insertValues.joined(separator: ", ")) \(condition)
            ON CONFLICT(id) DO UPDATE SET \(updates.joined(separator: ", "))
            """
        }
        self.assignSQL = upsert(notDeleted)
        // SQLite needs a WHERE after INSERT … SELECT before ON CONFLICT to parse it.
        self.assignUncheckedSQL = upsert("WHERE 1")
        self.touchSQL = """
            INSERT INTO \(table) (id, _c, _s) SELECT ?1, ?2, NULL \(notDeleted)
            ON CONFLICT(id) DO UPDATE SET _s = nullif(max(coalesce(_s, _c), ?2), _c)
            """
        var digestColumns = ["id", "coalesce(_s, _c)"]
        var digestedGroups = Set<String>()
        for field in schema.fields {
            switch field.kind {
            case .register:
                digestColumns.append(quoted(field.name))
                if let group = field.group {
                    if digestedGroups.insert(group).inserted { digestColumns.append("coalesce(\(quoted("\(group)__gs")), _c)") }
                } else {
                    digestColumns.append("coalesce(\(quoted("\(field.name)__s")), _c)")
                }
            case .surfacedRegister:
                digestColumns += [quoted(field.name), quoted("\(field.name)__n")]
            case .counter:
                digestColumns.append(quoted(field.name))
            case .addWinsSet, .log:
                break
            }
        }
        self.digestSQL = "SELECT \(digestColumns.joined(separator: ", ")) FROM \(table) ORDER BY id"
    }

    func incrementSQL(_ field: FieldSchema) -> String {
        let c = quoted(field.name)
        return """
            INSERT INTO \(quoted(tableName)) (id, _c, _s, \(c)) SELECT ?1, ?2, NULL, ?3
            WHERE NOT EXISTS (SELECT 1 FROM tombstones WHERE entity = \(schema.id) AND row = ?1)
            ON CONFLICT(id) DO UPDATE SET _s = nullif(max(coalesce(_s, _c), ?2), _c), \(c) = \(c) + excluded.\(c)
            """
    }

    /// Column definitions, for CREATE TABLE and for columns added by a later schema.
    struct Column {
        let name: String
        let type: String
        var definition: String { type.isEmpty ? quoted(name) : "\(quoted(name)) \(type)" }
    }

    /// The columns a field adds to the entity table, for CREATE TABLE and for columns
    /// added by a later schema. A never-written stamp is the empty blob (see above).
    func columns(for field: FieldSchema) -> [Column] {
        switch field.kind {
        case .register:
            return field.group == nil
                ? [Column(name: field.name, type: ""), Column(name: "\(field.name)__s", type: "BLOB DEFAULT x''")]
                : [Column(name: field.name, type: "")]
        case .surfacedRegister:
            return [Column(name: field.name, type: ""), Column(name: "\(field.name)__n", type: "INTEGER NOT NULL DEFAULT 0")]
        case .counter:
            return [Column(name: field.name, type: "INTEGER NOT NULL DEFAULT 0")]
        case .addWinsSet, .log:
            return []
        }
    }

    func groupStampColumn(_ group: String) -> Column { Column(name: "\(group)__gs", type: "BLOB DEFAULT x''") }

    var createSQL: String {
        var columns = ["id BLOB PRIMARY KEY NOT NULL", "_c BLOB NOT NULL", "_s BLOB"]
        var groups = Set<String>()
        for field in schema.fields {
            columns += self.columns(for: field).map(\.definition)
            if let group = field.group, groups.insert(group).inserted { columns.append(groupStampColumn(group).definition) }
        }
        return "CREATE TABLE \(quoted(tableName)) (\(columns.joined(separator: ", "))) WITHOUT ROWID"
    }
}

func quoted(_ identifier: String) -> String { "\"\(identifier)\"" }

/// The stamp column index of a register, from the members lists (before `self` is whole).
private func stampIndexOfRegisterLocal(_ register: Int, _ members: [[Int]]) -> Int {
    members.firstIndex { $0.contains(register) }!
}
