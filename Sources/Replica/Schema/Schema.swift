/// How concurrent writes to a field merge. One merge rule per kind; the rules and
/// the reasons for each choice are in docs/replication.md.
public enum FieldKind: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Last writer wins, ordered by `Stamp` (hybrid time, then site). Fields that share
    /// a `group` win or lose together.
    case register = 1
    /// Last writer wins for display, but a write names the versions it overwrote; two
    /// writes overwriting the same version are siblings, shown as a conflict until a
    /// human resolves them (roster slot assignee, ticket assignee).
    case surfacedRegister = 2
    /// Sum of per-origin increments (consumable stock).
    case counter = 3
    /// Add-wins set of elements (tags, watchers, skills).
    case addWinsSet = 4
    /// Append-only log ordered by stamp (ticket timeline, duty log, audit trail).
    case log = 5

    public var description: String {
        switch self {
        case .register: "register"
        case .surfacedRegister: "surfaced-register"
        case .counter: "counter"
        case .addWinsSet: "add-wins-set"
        case .log: "log"
        }
    }
}

public typealias EntityID = UInt16
public typealias FieldID = UInt16

/// One replicated field of an entity. Ids are stable forever: a field is never
/// renumbered or retyped, only added (schema changes on replicated tables are where
/// such systems hurt their users).
public struct FieldSchema: Hashable, Sendable {
    public let id: FieldID
    public let name: String
    public let kind: FieldKind
    public let type: ValueType
    /// Register fields with the same group name share one stamp and are written together.
    public let group: String?

    public init(id: FieldID, name: String, kind: FieldKind, type: ValueType, group: String? = nil) {
        precondition(isIdentifier(name), "field name must be a lower-case identifier: \(name)")
        precondition(group == nil || kind == .register, "only register fields form groups: \(name)")
        precondition(group.map(isIdentifier) ?? true, "group name must be an identifier: \(group ?? "")")
        precondition(kind != .counter || type == .integer, "counters are integers: \(name)")
        self.id = id
        self.name = name
        self.kind = kind
        self.type = type
        self.group = group
    }
}

/// A replicated entity: a table of rows keyed by `RowID`.
public struct EntitySchema: Hashable, Sendable {
    public let id: EntityID
    public let name: String
    public let fields: [FieldSchema]
    private let fieldIndexByID: [FieldID: Int]
    private let fieldIndexByName: [String: Int]

    public init(id: EntityID, name: String, fields: [FieldSchema]) {
        precondition(isIdentifier(name), "entity name must be a lower-case identifier: \(name)")
        var byID: [FieldID: Int] = [:]
        var byName: [String: Int] = [:]
        for (index, field) in fields.enumerated() {
            precondition(byID.updateValue(index, forKey: field.id) == nil, "duplicate field id \(field.id) in \(name)")
            precondition(byName.updateValue(index, forKey: field.name) == nil, "duplicate field \(field.name) in \(name)")
        }
        self.id = id
        self.name = name
        self.fields = fields
        self.fieldIndexByID = byID
        self.fieldIndexByName = byName
    }

    public func field(_ id: FieldID) -> FieldSchema? { fieldIndexByID[id].map { fields[$0] } }
    public func field(named name: String) -> FieldSchema? { fieldIndexByName[name].map { fields[$0] } }

    /// The register fields of a group, in declaration order.
    public func members(ofGroup group: String) -> [FieldSchema] { fields.filter { $0.group == group } }
}

/// The set of replicated entities a node knows, at a schema version. A batch written
/// under a newer version waits on older nodes until they are upgraded.
public struct Schema: Hashable, Sendable {
    public let version: UInt16
    public let entities: [EntitySchema]
    private let entityIndexByID: [EntityID: Int]
    private let entityIndexByName: [String: Int]

    public init(version: UInt16, entities: [EntitySchema]) {
        var byID: [EntityID: Int] = [:]
        var byName: [String: Int] = [:]
        for (index, entity) in entities.enumerated() {
            precondition(byID.updateValue(index, forKey: entity.id) == nil, "duplicate entity id \(entity.id)")
            precondition(byName.updateValue(index, forKey: entity.name) == nil, "duplicate entity \(entity.name)")
        }
        self.version = version
        self.entities = entities
        self.entityIndexByID = byID
        self.entityIndexByName = byName
    }

    public func entity(_ id: EntityID) -> EntitySchema? { entityIndexByID[id].map { entities[$0] } }
    public func entity(named name: String) -> EntitySchema? { entityIndexByName[name].map { entities[$0] } }

    /// Two schemas combined (the domain modules each declare their own entities).
    public func merging(_ other: Schema) -> Schema {
        Schema(version: max(version, other.version), entities: entities + other.entities)
    }
}

func isIdentifier(_ name: String) -> Bool {
    guard let first = name.utf8.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") else { return false }
    return name.utf8.count <= 48 && name.utf8.allSatisfy { c in
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_")
    } && !name.contains("__")
}
