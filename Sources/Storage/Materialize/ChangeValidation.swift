import Replica

/// Structural checks of a change against the schema, before anything is written:
/// the entity and field exist, the operation belongs to the field's kind, values
/// have the declared type, groups are written whole.
struct ChangeValidation {
    let schema: Schema

    func validate(_ change: Change) throws(StorageError) {
        guard let entity = schema.entity(change.entity) else { throw .unknownEntity(change.entity) }
        switch change.operation {
        case let .assign(assignments):
            var written = Set<FieldID>()
            for a in assignments {
                let field = try self.field(a.field, of: entity, for: .register, operation: "assign")
                try check(a.value, against: field, of: entity, nullable: true)
                written.insert(field.id)
            }
            for group in Set(assignments.compactMap { entity.field($0.field)?.group }) {
                let missing = entity.members(ofGroup: group).filter { !written.contains($0.id) }.map(\.name)
                if !missing.isEmpty { throw .incompleteGroup(entity: entity.name, group: group, missing: missing) }
            }
        case let .assignSurfaced(fieldID, value, _):
            let field = try self.field(fieldID, of: entity, for: .surfacedRegister, operation: "assign-surfaced")
            try check(value, against: field, of: entity, nullable: true)
        case let .increment(fieldID, _):
            _ = try self.field(fieldID, of: entity, for: .counter, operation: "increment")
        case let .add(fieldID, element), let .remove(fieldID, element, _):
            let field = try self.field(fieldID, of: entity, for: .addWinsSet, operation: "add/remove")
            try check(element, against: field, of: entity, nullable: false)
        case let .append(fieldID, entry):
            let field = try self.field(fieldID, of: entity, for: .log, operation: "append")
            try check(entry, against: field, of: entity, nullable: false)
        case .delete:
            break
        }
    }

    private func field(_ id: FieldID, of entity: EntitySchema, for kind: FieldKind,
                       operation: String) throws(StorageError) -> FieldSchema {
        guard let field = entity.field(id) else { throw .unknownField(entity: entity.name, field: id) }
        guard field.kind == kind else {
            throw .wrongOperation(entity: entity.name, field: field.name, kind: field.kind, operation: operation)
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
