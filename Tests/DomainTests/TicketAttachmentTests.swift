import Foundation
import Testing
import Replica
import Storage
@testable import Domain

/// 附件: replicated with the ticket, typed by their bytes, bounded in size and count;
/// a row a peer stored that is not an attachment is never served.
@Suite struct TicketAttachmentTests {
    let e = CampusReplicas.engineers
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]

    @Test func anAttachmentAtOneCampusIsServedAtTheOtherAsWhatItIs() throws {
        let f = try CampusReplicas()
        let number = try f.main.openTicket(f.intake(), by: f.acting(CampusReplicas.requester)).number
        let id = try f.main.attach(Self.png, name: "/home/护士/截图.png", toTicket: number, by: f.acting(e[0], 1))
        try f.main.attach(Array("%PDF-1.7\n...".utf8), name: "", toTicket: number, by: f.acting(CampusReplicas.requester, 2))
        try f.exchange()
        let listed = try f.east.attachments(ofTicket: number)
        #expect(listed.map(\.name) == ["截图.png", "attachment.pdf"] && listed.map(\.type) == [.png, .pdf])
        let (attachment, bytes) = try #require(try f.east.attachment(id, ofTicket: number))
        #expect(bytes == Self.png && attachment.by == e[0].rawValue)
        #expect(try f.east.attachment(id, ofTicket: "E-2026-0000-99999") == nil, "an id is found only under its own ticket")
    }

    @Test func typesAreReadFromTheBytes() {
        #expect(AttachmentType.of(Self.png) == .png)
        #expect(AttachmentType.of([0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(AttachmentType.of(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) == .webp)
        #expect(AttachmentType.of(Array("ERROR 挂号失败\r\n\tat HIS".utf8)) == .text)
        for refused in ["<!DOCTYPE html><p>", "<svg onload=alert(1)>", "<html>", "MZ\u{0}\u{1}"] {
            #expect(AttachmentType.of(Array(refused.utf8)) == nil, "\(refused)")
        }
        #expect(AttachmentType.of([0xC3, 0x28]) == nil, "not UTF-8")
        #expect(AttachmentType.of([]) == nil)
    }

    @Test func sizeCountTypeAndRoleAreCheckedAndARefusalWritesNothing() throws {
        let f = try CampusReplicas()
        let number = try f.main.openTicket(f.intake(), by: f.acting(CampusReplicas.requester)).number
        let big = Self.png + Array(repeating: 0, count: Department.attachmentBytesMax)
        for (bytes, field) in [(big, "attachment size"), (Array("<html>".utf8), "attachment type")] {
            let error = try refusedWithoutWriting(f.main) { try f.main.attach(bytes, name: "x", toTicket: number, by: f.acting(e[0], 1)) }
            if case .invalid(let refused, _)? = error { #expect(refused == field) } else { Issue.record("\(field): \(String(describing: error))") }
        }
        #expect(try refusedWithoutWriting(f.main) { try f.main.attach([], name: "x", toTicket: number, by: f.acting(e[0], 1)) } == .missing(field: "attachment"))
        // The department head neither handles nor reported it.
        #expect(try refusedWithoutWriting(f.main) { try f.main.attach(Self.png, name: "x", toTicket: number, by: f.acting(CampusReplicas.head, 1)) } != nil)
        #expect(try refusedWithoutWriting(f.main) { try f.main.attach(Self.png, name: "x", toTicket: "NOPE", by: f.acting(e[0], 1)) } == .unknownTicket("NOPE"))
        for n in 0..<Department.attachmentsPerTicketMax { try f.main.attach(Self.png, name: "\(n).png", toTicket: number, by: f.acting(e[0], 2)) }
        let full = try refusedWithoutWriting(f.main) { try f.main.attach(Self.png, name: "one more.png", toTicket: number, by: f.acting(e[0], 3)) }
        if case .invalid(let field, _)? = full { #expect(field == "attachments") } else { Issue.record("the count is not bounded") }
    }

    @Test func aRowAPeerStoredThatIsNotAnAttachmentIsNeverServed() throws {
        let f = try CampusReplicas()
        let number = try f.main.openTicket(f.intake(), by: f.acting(CampusReplicas.requester)).number
        try f.exchange()
        // A faulty peer: markup labelled as a PNG, and a size that lies.
        var rows: [RowID] = []
        try f.east.store.write { tx in
            for (content, size) in [(Array("<script>x</script>".utf8), 18), (Self.png, 999)] {
                let row = tx.newRowID()
                rows.append(row)
                try tx.assign(DomainSchema.ticketAttachment.name, row, [
                    "ticket": .text(number), "name": .text("evil.png"), "media_type": .text("png"), "content": .bytes(content),
                    "size": .integer(Int64(size)), "by": .text("E102"), "at": .integer(Int64(CampusReplicas.start.minutesSinceEpoch)),
                ])
            }
        }
        try f.exchange()
        #expect(try f.main.attachments(ofTicket: number).count == 2, "listed, as stored")
        for row in rows { #expect(try f.main.attachment(row.description, ofTicket: number) == nil, "but never served") }
    }
}
