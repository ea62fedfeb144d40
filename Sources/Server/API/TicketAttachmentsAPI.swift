import Domain
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// 附件 through the API: list, upload (the raw bytes as the body, `?name=` the file name)
/// and download. The same rules as the ticket page's form: who may attach, the size,
/// count and type limits (the type read from the bytes).
extension APIRoutes {
    struct AttachmentView: Codable, Sendable {
        let id, ticket, name, type, mediaType, by, at: String
        let size: Int

        init(_ a: TicketAttachment) {
            id = a.id; ticket = a.ticket; name = a.name; type = a.type.rawValue; mediaType = a.type.mediaType
            by = a.by; at = a.at.description; size = a.size
        }
    }

    func registerTicketAttachments(on router: Router<MeshDeskRequestContext>) {
        router.get("/api/tickets/{number}/attachments") { _, context in
            let user = try context.activeUser()
            let ticket = try department.ticket(try context.parameters.require("number"))
            try Access.requireTicketRead(user, ticket)
            return try JSONResponse.make(try department.attachments(ofTicket: ticket.number).map(AttachmentView.init))
        }
        router.post("/api/tickets/{number}/attachments") { request, context in
            let (user, acting) = try acting(context)
            let ticket = try department.ticket(try context.parameters.require("number"))
            try Access.requireTicketRead(user, ticket)
            var request = request
            let body = try await request.collectBody(upTo: Department.attachmentBytesMax)
            let name = Parse.query(request, "name") ?? ""
            let id = try department.attach(body.getBytes(at: body.readerIndex, length: body.readableBytes) ?? [], name: name,
                                           toTicket: ticket.number, by: acting)
            return try JSONResponse.make(CreatedView(id: id), status: .created)
        }
        router.get("/api/tickets/{number}/attachments/{id}") { _, context in try attachmentBytes(context) }
    }

    /// The bytes of one attachment, typed by what they are; images inline, the rest as a
    /// download; `nosniff` and a sandbox, so nothing in it runs in the node's origin.
    func attachmentBytes(_ context: MeshDeskRequestContext) throws -> Response {
        let user = try context.activeUser()
        let ticket = try department.ticket(try context.parameters.require("number"))
        try Access.requireTicketRead(user, ticket)
        guard let (attachment, bytes) = try department.attachment(try context.parameters.require("id"), ofTicket: ticket.number) else {
            throw APIError(.notFound, "not_found", "no attachment of that id on ticket \(ticket.number)")
        }
        let encoded = attachment.name.addingPercentEncoding(withAllowedCharacters: Dashboard.AssetQuery.unreserved) ?? "attachment"
        return Response(status: .ok, headers: [
            .contentType: attachment.type.mediaType,
            .contentDisposition: "\(attachment.type.isImage ? "inline" : "attachment"); filename*=UTF-8''\(encoded)",
            .cacheControl: "private, max-age=3600", HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            .contentSecurityPolicy: "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        ], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
