import Replica

/// Structural checks of a change against the schema, before anything is written:
/// the entity and field exist, the operation belongs to the field's kind, values
/// have the declared type, groups are written whole. Runs for every change of every
/// batch, so each entity's rules are flattened into arrays indexed by field id.
struct ChangeValidation: Sendable {
    struct EntityPlan: Sendable {
        let entity: EntitySchema
        /// Indexed by field id; nil where no field has that id.
        let fieldByID: [FieldSchema?]
        /// Indexed by field id: the field's group number, or -1.
        let groupOfField: [Int]
        let groups: [(name: String, members: [FieldSchema])]

        init(_ entity: EntitySchema) {
            self.entity = entity
            var byID = [FieldSchema?](repeating: nil, count: Int(entity.fields.map(\.id).max() ?? 0) + 1)
            var groupOf = [Int](repeating: -1, count: byID.count)
            var groups: [(String, [FieldSchema])] = []
            for field in entity.fields {
                byID[Int(field.id)] = field
                guard let group = field.group else { continue }
                if let index = groups.firstIndex(where: { $0.0 == group }) {
                    groups[index].1.append(field)
                    groupOf[Int(field.id)] = index
                } else {
                    groupOf[Int(field.id)] = groups.count
                    groups.append((group, [field]))
                }
            }
            self.fieldByID = byID
            self.groupOfField = groupOf
            self.groups = groups
        }
    }

    let schema: Schema
    private let plans: [EntityID: EntityPlan]

    init(schema: Schema) {
        self.schema = schema
        self.plans = Dictionary(uniqueKeysWithValues: schema.entities.map { ($0.id, EntityPlan($0)) })
    }

    func validate(_ change: Change) throws(StorageError) {
        guard let plan = plans[change.entity] else { throw .unknownEntity(change.entity) }
        switch change.operation {
        case let .assign(assignments):
            var groupWrites = plan.groups.isEmpty ? [] : [Int](repeating: 0, count: plan.groups.count)
            for a in assignments {
                let field = try self.field(a.field, in: plan, for: .register, operation: "assign")
                try check(a.value, against: field, of: plan.entity, nullable: true)
                let group = plan.groupOfField[Int(field.id)]
                if group >= 0 { groupWrites[group] += 1 }
            }
            for (index, written) in groupWrites.enumerated() where written > 0 && written < plan.groups[index].members.count {
                let present = Set(assignments.map(\.field))
                let missing = plan.groups[index].members.filter { !present.contains($0.id) }.map(\.name)
                throw .incompleteGroup(entity: plan.entity.name, group: plan.groups[index].name, missing: missing)
            }
        case let .assignSurfaced(fieldID, value, _):
            let field = try self.field(fieldID, in: plan, for: .surfacedRegister, operation: "assign-surfaced")
            try check(value, against: field, of: plan.entity, nullable: true)
        case let .increment(fieldID, _):
            _ = try self.field(fieldID, in: plan, for: .counter, operation: "increment")
        case let .add(fieldID, element), let .remove(fieldID, element, _):
            let field = try self.field(fieldID, in: plan, for: .addWinsSet, operation: "add/remove")
            try check(element, against: field, of: plan.entity, nullable: false)
        case let .append(fieldID, entry):
            let field = try self.field(fieldID, in: plan, for: .log, operation: "append")
            try check(entry, against: field, of: plan.entity, nullable: false)
        case .delete:
            break
        }
    }

    private func field(_ id: FieldID, in plan: EntityPlan, for kind: FieldKind,
                       operation: String) throws(StorageError) -> FieldSchema {
        guard Int(id) < plan.fieldByID.count, let field = plan.fieldByID[Int(id)] else {
            throw .unknownField(entity: plan.entity.name, field: id)
        }
        guard field.kind == kind else {
            throw .wrongOperation(entity: plan.entity.name, field: field.name, kind: field.kind, operation: operation)
        }
        return field
    }

    private func check(_ value: Value, against field: FieldSchema, of entity: EntitySchema,
                       nullable: Bool) throws(StorageError) {
        guard let type = value.type else {
            if nullable { return }
            throw .nullNotAllowed(entity: entity.name, field: field.name)
        }
        guard type == field.type else {
            throw .wrongValueType(entity: entity.name, field: field.name, expected: field.type, got: type.description)
        }
    }
}
