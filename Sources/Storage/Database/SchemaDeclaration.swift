import GRDB
import Replica

/// Creates the tables of declared entities and adds columns for fields added since.
/// A field's id, kind, type and group are fixed once declared: changing one would
/// reinterpret replicated history, so it is refused.
enum SchemaDeclaration {
    static func declare(_ schema: Schema, tables: [EntityID: EntityTable], db: Database) throws {
        for entity in schema.entities {
            let table = tables[entity.id]!
            let declared = try Row.fetchAll(db, sql: "SELECT * FROM declared_fields WHERE entity = ?", arguments: [entity.id])
            if let first = declared.first, (first["entity_name"] as String) != entity.name {
                throw StorageError.incompatibleSchema("entity id \(entity.id) was declared as \(first["entity_name"] as String)")
            }
            let byID = Dictionary(uniqueKeysWithValues: declared.map { (FieldID($0["field"] as Int64), $0) })
            let existed = try db.tableExists(table.tableName)
            if !existed { try db.execute(sql: table.createSQL) }
            var columns = Set(try db.columns(in: table.tableName).map(\.name))
            for field in entity.fields {
                if let row = byID[field.id] {
                    let same = (row["name"] as String) == field.name && (row["kind"] as Int64) == Int64(field.kind.rawValue)
                        && (row["type"] as Int64) == Int64(field.type.rawValue) && (row["grp"] as String?) == field.group
                    if !same { throw StorageError.incompatibleSchema("field \(entity.name).\(field.name) (id \(field.id)) changed") }
                    continue
                }
                if existed {
                    var added = table.columns(for: field)
                    if let group = field.group { added.append(table.groupStampColumn(group)) }
                    for column in added where columns.insert(column.name).inserted {
                        try db.execute(sql: "ALTER TABLE \(quoted(table.tableName)) ADD COLUMN \(column.definition)")
                    }
                }
                try db.execute(sql: "INSERT INTO declared_fields VALUES (?, ?, ?, ?, ?, ?, ?)",
                               arguments: [entity.id, entity.name, field.id, field.name, field.kind.rawValue,
                                           field.type.rawValue, field.group])
            }
        }
    }
}
