import Foundation
import GRDB
import Replica
import Storage

/// 附件 — a screenshot of the error, a photo of the device, a log excerpt: bytes stored
/// as replicated content, so every campus holds them as it holds the ticket. Written once
/// and never edited (a wrong one is followed by the right one); bounded in size, count
/// and type, and the type is read from the bytes, not from what the uploader said.
extension DomainSchema {
    /// Written whole by one command: a peer's row is either all there or not at all.
    public static let ticketAttachment = EntitySchema(id: 110, name: "ticket_attachment", fields: [
        FieldSchema(id: 1, name: "ticket", kind: .register, type: .text, group: "attachment"),
        FieldSchema(id: 2, name: "name", kind: .register, type: .text, group: "attachment"),
        FieldSchema(id: 3, name: "media_type", kind: .register, type: .text, group: "attachment"),
        FieldSchema(id: 4, name: "content", kind: .register, type: .bytes, group: "attachment"),
        FieldSchema(id: 5, name: "size", kind: .register, type: .integer, group: "attachment"),
        FieldSchema(id: 6, name: "by", kind: .register, type: .text, group: "attachment"),
        FieldSchema(id: 7, name: "at", kind: .register, type: .integer, group: "attachment"),
    ])
}

/// What an attachment may be. Images and PDFs as their magic numbers say; plain text as
/// UTF-8 without control characters other than tab and line breaks. Nothing a browser
/// would run (HTML, SVG, scripts) is accepted.
public enum AttachmentType: String, Hashable, Codable, Sendable, CaseIterable {
    case png, jpeg, gif, webp, pdf, text

    public var mediaType: String {
        switch self {
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .gif: "image/gif"
        case .webp: "image/webp"
        case .pdf: "application/pdf"
        case .text: "text/plain; charset=utf-8"
        }
    }

    public var isImage: Bool {
        switch self {
        case .png, .jpeg, .gif, .webp: true
        case .pdf, .text: false
        }
    }

    /// The type of `bytes`, by their first bytes; nil for anything else.
    public static func of(_ bytes: [UInt8]) -> AttachmentType? {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && Array(bytes[offset..<offset + prefix.count]) == prefix
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if !bytes.isEmpty, String(validating: bytes, as: UTF8.self) != nil,
           !bytes.contains(where: { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) {
            // Text that a browser would sniff as markup is still refused.
            let head = String(decoding: bytes.prefix(512), as: UTF8.self).lowercased()
            if head.contains("<html") || head.contains("<script") || head.contains("<svg") || head.contains("<!doctype") { return nil }
            return .text
        }
        return nil
    }
}

/// One attachment as listed: without its bytes.
public struct TicketAttachment: Hashable, Sendable {
    public let id: String
    public let ticket: String
    public let name: String
    public let type: AttachmentType
    public let size: Int
    public let by: String
    public let at: LocalDateTime
}

extension Department {
    /// 附件大小上限 — 1 MiB: a screenshot of a HIS error dialog is 100–400 KB as PNG; a
    /// value must stay within `ChangeCodec.valueBytesMax` (a peer refuses more).
    public static let attachmentBytesMax = 1 << 20 - 4 << 10
    /// Attachments one ticket carries; more is a flood, not evidence.
    public static let attachmentsPerTicketMax = 20
    /// Longest file name kept.
    public static let attachmentNameMax = 120

    /// Adds `bytes` to ticket `number` under `name` (a path is cut to its last part).
    /// Who may: the ticket's handlers at its campus, and the requester who reported it.
    @discardableResult
    public func attach(_ bytes: [UInt8], name: String, toTicket number: String, by acting: Acting) throws(DomainError) -> String {
        try perform(acting, "ticket.attach") { tx, actor in
            guard let id = try TicketRows.id(tx.db, number: number), let stored = try StoredRows.fetchOne(tx.db, DomainSchema.ticket, id: id) else {
                throw DomainError.unknownTicket(number)
            }
            let ticket = try TicketRows.ticket(tx.db, stored)
            if ticket.timeline.first?.by != actor.id.rawValue {
                try Permissions.requireAny(actor, Self.handlers, at: ticket.campus, to: "attach files to ticket \(number)")
            }
            guard !bytes.isEmpty else { throw DomainError.missing(field: "attachment") }
            guard bytes.count <= Self.attachmentBytesMax else {
                throw DomainError.invalid(field: "attachment size", reason: "\(bytes.count) bytes, more than \(Self.attachmentBytesMax)")
            }
            guard let type = AttachmentType.of(bytes) else {
                throw DomainError.invalid(field: "attachment type", reason: "not a PNG, JPEG, GIF, WebP, PDF or plain text file")
            }
            let count = try Int.fetchOne(tx.db, sql: "SELECT count(*) FROM \(AttachmentRows.table) WHERE ticket = ?", arguments: [number]) ?? 0
            guard count < Self.attachmentsPerTicketMax else {
                throw DomainError.invalid(field: "attachments", reason: "ticket \(number) already has \(count) (at most \(Self.attachmentsPerTicketMax))")
            }
            let cleaned = Self.attachmentName(name, type: type)
            let row = tx.newRowID()
            try tx.assign(DomainSchema.ticketAttachment.name, row, [
                "ticket": .text(number), "name": .text(cleaned), "media_type": .text(type.rawValue), "content": .bytes(bytes),
                "size": .integer(Int64(bytes.count)), "by": .text(actor.id.rawValue), "at": .integer(Int64(acting.now.minutesSinceEpoch)),
            ])
            return (row.description, "\(number) \(cleaned)")
        }
    }

    /// The last part of a path, without control characters, bounded; a default by type
    /// when nothing is left.
    static func attachmentName(_ typed: String, type: AttachmentType) -> String {
        let last = typed.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(last.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
            .trimmingCharacters(in: .whitespaces)
        return clean.isEmpty ? "attachment.\(type.rawValue)" : String(clean.prefix(attachmentNameMax))
    }

    /// The attachments of ticket `number`, oldest first, without their bytes.
    public func attachments(ofTicket number: String) throws(DomainError) -> [TicketAttachment] {
        try query { db in
            try Row.fetchAll(db, sql: """
                SELECT id, ticket, name, media_type, size, by, at FROM \(AttachmentRows.table) WHERE ticket = ? ORDER BY at, id
                """, arguments: [number]).compactMap(AttachmentRows.attachment)
        }
    }

    /// One attachment with its bytes; nil when there is none by that id, or when what is
    /// stored is not what an attachment may be (a peer's row of another type or size is
    /// never served).
    public func attachment(_ id: String, ofTicket number: String) throws(DomainError) -> (TicketAttachment, [UInt8])? {
        try query { db in
            guard let key = RowID(hex: id),
                  let row = try Row.fetchOne(db, sql: "SELECT * FROM \(AttachmentRows.table) WHERE id = ? AND ticket = ?",
                                             arguments: [StoredRows.blob(key), number]),
                  let attachment = AttachmentRows.attachment(row),
                  let content = row["content"] as Data? else { return nil }
            let bytes = [UInt8](content)
            guard bytes.count == attachment.size, bytes.count <= Self.attachmentBytesMax, AttachmentType.of(bytes) == attachment.type else { return nil }
            return (attachment, bytes)
        }
    }
}

enum AttachmentRows {
    static var table: String { ReplicaQueries.tableName(DomainSchema.ticketAttachment) }

    /// A row as an attachment; nil for a row whose values are not those of one.
    static func attachment(_ row: Row) -> TicketAttachment? {
        guard let id = (row["id"] as Data?).flatMap({ RowID(bytes: $0) }),
              let type = (row["media_type"] as String?).flatMap(AttachmentType.init(rawValue:)),
              let size = row["size"] as Int64?, (1...Int64(Department.attachmentBytesMax)).contains(size),
              let at = row["at"] as Int64?, LocalDateTime.minutesSinceEpochRange.contains(Int(clamping: at)) else { return nil }
        return TicketAttachment(id: id.description, ticket: (row["ticket"] as String?) ?? "", name: (row["name"] as String?) ?? "",
                                type: type, size: Int(size), by: (row["by"] as String?) ?? "", at: LocalDateTime(minutesSinceEpoch: Int(at)))
    }
}
