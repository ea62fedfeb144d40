import Replica
import Storage

/// DEVELOPMENT FIXTURE — not part of the hospital domain. A one-table entity that
/// `meshdesk dev write`, the multi-process test, the demo and `bench sync` write to
/// exercise replication until the domain's entities are wired into `NodeSchema`.
/// Its id sits far from the domain's range so it can never collide with a real entity;
/// remove it (and the commands using it) once the domain lands.
public enum DevFixtureNote {
    public static let entityID: EntityID = 60_001
    public static let entity = EntitySchema(id: entityID, name: "dev_fixture_note", fields: [
        FieldSchema(id: 1, name: "campus", kind: .register, type: .text),
        FieldSchema(id: 2, name: "text", kind: .register, type: .text),
        FieldSchema(id: 3, name: "n", kind: .register, type: .integer),
    ])

    /// Writes `count` notes in transactions of `perBatch` (one batch each).
    public static func write(into store: ReplicaStore, campus: String, count: Int, perBatch: Int = 1,
                             text: (Int) -> String = { "开发测试记录 #\($0)" }) throws -> Int {
        precondition(perBatch >= 1)
        var written = 0
        while written < count {
            let n = min(perBatch, count - written)
            let base = written
            _ = try store.write { tx in
                for i in base..<(base + n) {
                    tx.record(Change(entity: entityID, row: tx.newRowID(), operation: .assign([
                        FieldAssignment(field: 1, value: .text(campus)),
                        FieldAssignment(field: 2, value: .text(text(i))),
                        FieldAssignment(field: 3, value: .integer(Int64(i))),
                    ])))
                }
            }
            written += n
        }
        return written
    }
}
