import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import Domain
@testable import Server

/// 附件 on a ticket: uploaded from the ticket page as multipart/form-data or through the
/// API, listed on the page, served typed by what the bytes are with `nosniff` and a
/// sandbox; over the limit, of a refused type or by someone who may not: a clear
/// message, the status, nothing written.
@Suite struct TicketAttachmentTests {
    /// The smallest PNG header a sniffer recognises, and some pixels' worth after it.
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 200)

    static func opened(_ fixture: ServerFixture) throws -> String {
        try fixture.department.openTicket(TicketIntake(campus: "EAST", reporter: "门诊", department: "门诊", category: .application,
                                                       description: "HIS 挂号报错"), by: Acting("R001", at: ServerFixture.start)).number
    }

    static func multipart(_ fields: [(String, String)], file: (String, [UInt8])?, boundary: String = "----meshdeskTest7") -> ByteBuffer {
        var body = ByteBuffer()
        for (name, value) in fields {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        if let (name, bytes) = file {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            body.writeBytes(bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        return body
    }

    static func upload(_ client: some TestClientProtocol, _ number: String, as session: Session, _ body: ByteBuffer,
                       contentType: String = "multipart/form-data; boundary=----meshdeskTest7") async throws -> (HTTPResponse.Status, HTTPFields, String) {
        try await client.execute(uri: "/tickets/\(number)/attachments", method: .post,
                                 headers: [.cookie: "meshdesk_session=\(session.cookie)", .accept: "text/html", .contentType: contentType],
                                 body: body) { ($0.status, $0.headers, String(buffer: $0.body)) }
    }

    @Test func aScreenshotIsUploadedFromTheTicketPageListedAndServedAsWhatItIs() async throws {
        let fixture = try ServerFixture()
        let number = try Self.opened(fixture)
        try await fixture.application().test(.router) { client in
            let eng = try await client.signIn("eng1")
            let page = try await client.page("/tickets/\(number)", as: eng).2
            #expect(page.contains("id=\"form-attach\"") && page.contains("enctype=\"multipart/form-data\"") && page.contains("暂无附件"))
            let done = try await Self.upload(client, number, as: eng, Self.multipart([("csrf", eng.csrf)], file: ("C:\\Users\\护士站\\报错截图.png", Self.png)))
            #expect(done.0 == .seeOther && done.1[.location] == "/tickets/\(number)?done=attach", "\(done.0) \(done.2.prefix(300))")
            let shown = try await client.page("/tickets/\(number)?done=attach", as: eng).2
            #expect(shown.contains("附件已上传") && shown.contains(">报错截图.png</a>") && shown.contains("附件 (1)"), "the path is cut to the file's name")
            let listed = try fixture.department.attachments(ofTicket: number)
            #expect(listed.count == 1 && listed[0].type == .png && listed[0].size == Self.png.count && listed[0].by == "E101")
            let served = try await client.execute(uri: "/tickets/\(number)/attachments/\(listed[0].id)", method: .get,
                                                  headers: [.cookie: "meshdesk_session=\(eng.cookie)"]) { $0 }
            #expect(served.status == .ok && served.headers[.contentType] == "image/png" && Array(buffer: served.body) == Self.png)
            #expect(served.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff" && served.headers[.contentSecurityPolicy]?.contains("sandbox") == true)
            #expect(served.headers[.contentDisposition]?.hasPrefix("inline; filename*=UTF-8''") == true)

            // The ward who reported it may add one too; through the API, a text log.
            let ward = try await client.signIn("ward")
            let log = try await client.call(.post, "/api/tickets/\(number)/attachments?name=his.log", as: ward, json: "2026-03-10 09:01 ERROR 挂号失败\n",
                                            headers: [.contentType: "text/plain"])
            #expect(log.0 == .created, "\(log)")
            let api = try await client.call(.get, "/api/tickets/\(number)/attachments", as: ward)
            #expect(api.1.contains(#""name":"his.log""#) && api.1.contains(#""type":"text""#))
            let english = try await client.page("/tickets/\(number)?lang=en", as: eng).2
            #expect(english.contains("Attachments (2)") && english.contains(" download>his.log</a>"), "text is downloaded, not shown")
        }
    }

    @Test func aRefusedUploadSaysWhyWithItsStatusAndWritesNothing() async throws {
        let fixture = try ServerFixture()
        let number = try Self.opened(fixture)
        try await fixture.application().test(.router) { client in
            let eng = try await client.signIn("eng1")
            let before = try fixture.versionVector()
            let html = Array("<html><script>alert(1)</script></html>".utf8)
            let markup = try await Self.upload(client, number, as: eng, Self.multipart([("csrf", eng.csrf)], file: ("x.png", html)))
            #expect(markup.0 == .unprocessableContent && markup.2.contains("不支持该文件类型") && markup.2.contains("role=\"alert\""))
            let big = Self.png + Array(repeating: 1, count: Department.attachmentBytesMax)
            let tooBig = try await Self.upload(client, number, as: eng, Self.multipart([("csrf", eng.csrf)], file: ("big.png", big)))
            #expect(tooBig.0 == .contentTooLarge && tooBig.2.contains("文件太大"), "\(tooBig.0)")
            let huge = try await Self.upload(client, number, as: eng, Self.multipart([("csrf", eng.csrf)], file: ("huge.png", Self.png + Array(repeating: 1, count: 2 << 20))))
            #expect(huge.0 == .contentTooLarge && huge.2.contains("文件太大"), "over the post's own bound: \(huge.0)")
            let none = try await Self.upload(client, number, as: eng, Self.multipart([("csrf", eng.csrf)], file: nil))
            #expect(none.0 == .unprocessableContent && none.2.contains("请选择要上传的文件"))
            let noBoundary = try await Self.upload(client, number, as: eng, Self.multipart([("csrf", eng.csrf)], file: ("a.png", Self.png)),
                                                   contentType: "multipart/form-data")
            #expect(noBoundary.0 == .badRequest)
            let garbage = try await Self.upload(client, number, as: eng, ByteBuffer(string: "not multipart at all"))
            #expect(garbage.0 == .badRequest || garbage.0 == .unprocessableContent)
            let noCSRF = try await Self.upload(client, number, as: eng, Self.multipart([], file: ("a.png", Self.png)))
            #expect(noCSRF.0 == .forbidden)
            let extra = try await Self.upload(client, number, as: eng, Self.multipart([("csrf", eng.csrf), ("evil", "1")], file: ("a.png", Self.png)))
            #expect(extra.0 == .badRequest)
            // Someone at another campus, through the API.
            let maineng = try await client.signIn("maineng")
            let outside = try await client.call(.post, "/api/tickets/\(number)/attachments?name=a.png", as: maineng, json: String(decoding: Self.png, as: UTF8.self))
            #expect(outside.0 == .forbidden)
            #expect(try fixture.versionVector() == before)
            let unknown = try await client.execute(uri: "/tickets/\(number)/attachments/00", method: .get,
                                                   headers: [.cookie: "meshdesk_session=\(eng.cookie)"]) { $0.status }
            #expect(unknown == .notFound)
        }
    }
}
