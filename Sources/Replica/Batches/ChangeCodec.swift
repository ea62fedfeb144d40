/// The canonical body encoding of a batch's changes. Decoding is strict — sorted,
/// unique field assignments and stamps, minimal varints, no trailing bytes — so the
/// bytes of a body are a function of its content, and two different bodies under one
/// `(origin, seq)` are a fork, never a harmless re-encoding.
public enum ChangeCodec {
    public static let changesMax = 50_000
    public static let assignmentsMax = 256
    public static let stampsMax = 1_024
    public static let valueBytesMax = 1 << 20

    enum OperationTag: UInt8 {
        case assign = 1, assignSurfaced, increment, add, remove, append, delete
    }

    enum ValueTag: UInt8 {
        case null = 0, integer, real, text, bytes
    }

    public static func encodeBody(_ changes: [Change]) -> [UInt8] {
        var w = ByteWriter(capacity: changes.count * 48 + 8)
        w.varint(UInt64(changes.count))
        for change in changes { encode(change, into: &w) }
        return w.bytes
    }

    public static func decodeBody(_ body: [UInt8]) throws(DecodingError) -> [Change] {
        var r = ByteReader(body)
        let count = try r.count(max: changesMax, of: "changes")
        var changes: [Change] = []
        changes.reserveCapacity(count)
        for _ in 0..<count { changes.append(try decodeChange(from: &r)) }
        try r.expectEnd()
        return changes
    }

    public static func encode(_ change: Change, into w: inout ByteWriter) {
        w.varint(UInt64(change.entity))
        w.u64(change.row.high)
        w.u64(change.row.low)
        switch change.operation {
        case let .assign(assignments):
            precondition(isStrictlyIncreasing(assignments.map(\.field)), "assignments must be sorted by field and unique")
            w.u8(OperationTag.assign.rawValue)
            w.varint(UInt64(assignments.count))
            for a in assignments {
                w.varint(UInt64(a.field))
                encode(a.value, into: &w)
            }
        case let .assignSurfaced(field, value, overwrites):
            w.u8(OperationTag.assignSurfaced.rawValue)
            w.varint(UInt64(field))
            encode(value, into: &w)
            encode(stamps: overwrites, into: &w)
        case let .increment(field, delta):
            w.u8(OperationTag.increment.rawValue)
            w.varint(UInt64(field))
            w.signedVarint(delta)
        case let .add(field, element):
            w.u8(OperationTag.add.rawValue)
            w.varint(UInt64(field))
            encode(element, into: &w)
        case let .remove(field, element, observed):
            w.u8(OperationTag.remove.rawValue)
            w.varint(UInt64(field))
            encode(element, into: &w)
            encode(stamps: observed, into: &w)
        case let .append(field, entry):
            w.u8(OperationTag.append.rawValue)
            w.varint(UInt64(field))
            encode(entry, into: &w)
        case .delete:
            w.u8(OperationTag.delete.rawValue)
        }
    }

    static func decodeChange(from r: inout ByteReader) throws(DecodingError) -> Change {
        let entity = try decodeID(from: &r, what: "entity id")
        let row = RowID(high: try r.u64(), low: try r.u64())
        let tagByte = try r.u8()
        guard let tag = OperationTag(rawValue: tagByte) else { throw .invalid("operation tag \(tagByte)") }
        let operation: Operation
        switch tag {
        case .assign:
            let count = try r.count(max: assignmentsMax, of: "assignments")
            guard count > 0 else { throw .invalid("empty assignment") }
            var assignments: [FieldAssignment] = []
            assignments.reserveCapacity(count)
            for _ in 0..<count {
                let field = try decodeID(from: &r, what: "field id")
                if let last = assignments.last, last.field >= field { throw .nonCanonical("assignments not sorted") }
                assignments.append(FieldAssignment(field: field, value: try decodeValue(from: &r)))
            }
            operation = .assign(assignments)
        case .assignSurfaced:
            let field = try decodeID(from: &r, what: "field id")
            let value = try decodeValue(from: &r)
            operation = .assignSurfaced(field: field, value: value, overwrites: try decodeStamps(from: &r))
        case .increment:
            operation = .increment(field: try decodeID(from: &r, what: "field id"), by: try r.signedVarint())
        case .add:
            operation = .add(field: try decodeID(from: &r, what: "field id"), element: try decodeValue(from: &r))
        case .remove:
            let field = try decodeID(from: &r, what: "field id")
            let element = try decodeValue(from: &r)
            operation = .remove(field: field, element: element, observed: try decodeStamps(from: &r))
        case .append:
            operation = .append(field: try decodeID(from: &r, what: "field id"), entry: try decodeValue(from: &r))
        case .delete:
            operation = .delete
        }
        return Change(entity: entity, row: row, operation: operation)
    }

    static func decodeID(from r: inout ByteReader, what: String) throws(DecodingError) -> UInt16 {
        let raw = try r.varint()
        guard raw <= UInt64(UInt16.max) else { throw .invalid("\(what) \(raw)") }
        return UInt16(raw)
    }

    public static func encode(_ value: Value, into w: inout ByteWriter) {
        switch value {
        case .null:
            w.u8(ValueTag.null.rawValue)
        case let .integer(v):
            w.u8(ValueTag.integer.rawValue)
            w.signedVarint(v)
        case let .real(v):
            w.u8(ValueTag.real.rawValue)
            w.u64(v.bitPattern)
        case let .text(v):
            w.u8(ValueTag.text.rawValue)
            w.lengthPrefixed(v.utf8)
        case let .bytes(v):
            w.u8(ValueTag.bytes.rawValue)
            w.lengthPrefixed(v)
        }
    }

    public static func decodeValue(from r: inout ByteReader) throws(DecodingError) -> Value {
        let tagByte = try r.u8()
        guard let tag = ValueTag(rawValue: tagByte) else { throw .invalid("value tag \(tagByte)") }
        switch tag {
        case .null: return .null
        case .integer: return .integer(try r.signedVarint())
        case .real: return .real(Double(bitPattern: try r.u64()))
        case .text:
            let raw = try r.lengthPrefixed(max: valueBytesMax)
            guard let text = String(validating: raw, as: UTF8.self) else { throw .invalid("text is not UTF-8") }
            return .text(text)
        case .bytes: return .bytes(Array(try r.lengthPrefixed(max: valueBytesMax)))
        }
    }

    static func encode(stamps: [Stamp], into w: inout ByteWriter) {
        precondition(isStrictlyIncreasing(stamps), "stamp lists must be sorted and unique")
        w.varint(UInt64(stamps.count))
        for s in stamps {
            w.u64(s.time.rawValue)
            w.u64(s.site.rawValue)
            w.u32(s.epoch)
        }
    }

    static func decodeStamps(from r: inout ByteReader) throws(DecodingError) -> [Stamp] {
        let count = try r.count(max: stampsMax, of: "stamps")
        var stamps: [Stamp] = []
        stamps.reserveCapacity(count)
        for _ in 0..<count {
            let stamp = Stamp(time: Timestamp(rawValue: try r.u64()), site: SiteID(rawValue: try r.u64()), epoch: try r.u32())
            if let last = stamps.last, last >= stamp { throw .nonCanonical("stamps not sorted") }
            stamps.append(stamp)
        }
        return stamps
    }
}

func isStrictlyIncreasing<T: Comparable>(_ items: [T]) -> Bool {
    zip(items, items.dropFirst()).allSatisfy { $0 < $1 }
}
