import Replica

/// Records of the department (ids 400–449): the knowledge base first. Merge kind of each
/// field, and why: docs/records.md.
extension DomainSchema {
    /// 知识库文章 — an operation manual, a fault-handling record or a technical document,
    /// shared by every campus. Keyed by a fresh row id.
    public static let article = EntitySchema(id: 400, name: "kb_article", fields: [
        // Written once, by the node that created it.
        FieldSchema(id: 1, name: "campus", kind: .register, type: .text, group: "identity"),
        FieldSchema(id: 2, name: "created_by", kind: .register, type: .text, group: "identity"),
        FieldSchema(id: 3, name: "created_at", kind: .register, type: .integer, group: "identity"),
        FieldSchema(id: 4, name: "source_ticket", kind: .register, type: .text, group: "identity"),
        // The current text (title, kind, category, body) as one JSON revision: two campuses
        // editing while cut off surface both revisions for a person to choose, never one
        // silently replacing the other.
        FieldSchema(id: 10, name: "revision", kind: .surfacedRegister, type: .text),
        // 版本历史 — every revision ever written, append-only (both siblings of a conflict too).
        FieldSchema(id: 11, name: "history", kind: .log, type: .text),
        // How many revisions `history` holds: a counter, so it equals the log's length after any merge.
        FieldSchema(id: 12, name: "revisions", kind: .counter, type: .integer),
        // 复审日期 and 归档日期 (`YYYY-MM-DD`, empty for none); each its own register.
        FieldSchema(id: 20, name: "review_on", kind: .register, type: .text),
        FieldSchema(id: 21, name: "archived_on", kind: .register, type: .text),
    ])
}
