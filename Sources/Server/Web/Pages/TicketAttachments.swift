import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// 附件 on the ticket page: the list (name, type, size, who, when, a link that opens or
/// downloads it) and the upload form for the ticket's handlers and the requester who
/// reported it. Served bytes are typed by what they are (`AttachmentType`, read again
/// from the bytes), never by what the uploader said, with `nosniff` and a sandboxing
/// policy, so an attachment cannot run in the node's origin.
extension Dashboard {
    /// The body of an upload: the file's limit plus the form around it.
    static let attachmentPostBytesMax = Department.attachmentBytesMax + 16 << 10

    /// What the section says after an upload: done, or why not.
    enum AttachmentNotice: Sendable {
        case done
        case refused(String)
    }

    func ticketAttachmentsSection(_ ticket: Ticket, _ user: SignedIn, _ lang: Language, notice: AttachmentNotice?) throws -> HTML {
        let attachments = try department.attachments(ofTicket: ticket.number)
        let names = try staffNames()
        let said: HTML
        switch notice {
        case .done?: said = "<p class=\"card ok\">\(lang.pick("附件已上传。", "Attachment uploaded."))</p>"
        case .refused(let message)?: said = "<p class=\"bad\" role=\"alert\">\(message)</p>"
        case nil: said = ""
        }
        let rows: [HTML] = attachments.map { a in
            let by = names[a.by].map { "\($0) (\(a.by))" } ?? a.by
            return """
                <tr><td><a href="/tickets/\(AssetQuery.encode(ticket.number))/attachments/\(a.id)"\(a.type.isImage ? "" : HTML(" download"))>\(a.name)</a></td>\
                <td>\(lang.name(of: a.type))</td><td>\(Self.sizeText(a.size))</td><td>\(by)</td><td>\(a.at.description)</td></tr>
                """
        }
        let list: HTML = attachments.isEmpty ? "<p class=\"muted\">\(lang.pick("暂无附件。", "No attachments."))</p>" : """
            <table><tr><th>\(lang.pick("文件", "File"))</th><th>\(lang.pick("类型", "Type"))</th><th>\(lang.pick("大小", "Size"))</th>\
            <th>\(lang.pick("上传人", "By"))</th><th>\(lang.pick("时间", "Time"))</th></tr>\(rows)</table>
            """
        let mayAttach = Access.handlesTickets(user, ticket.campus) || Access.opened(user, ticket)
        let full = attachments.count >= Department.attachmentsPerTicketMax
        let form: HTML = !mayAttach ? "" : full
            ? "<p class=\"muted\">\(lang.pick("附件已达上限 \(Department.attachmentsPerTicketMax) 个。", "The ticket holds the most attachments it may (\(Department.attachmentsPerTicketMax))."))</p>"
            : """
                <form class="act" id="form-attach" method="post" enctype="multipart/form-data" action="/tickets/\(AssetQuery.encode(ticket.number))/attachments">\
                <input type="hidden" name="csrf" value="\(user.session.csrfToken)">\
                <strong>\(lang.pick("上传附件", "Attach a file"))</strong><br>\
                <input type="file" name="file" required accept="image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain"><br>\
                <span class="muted">\(lang.pick("截图、照片、PDF 或文本日志，不超过 \(Self.sizeText(Department.attachmentBytesMax))", "a screenshot, photo, PDF or text log, at most \(Self.sizeText(Department.attachmentBytesMax))"))</span><br>\
                <button>\(lang.pick("上传", "Upload"))</button></form>
                """
        return "<h2>\(lang.pick("附件", "Attachments")) (\(attachments.count))</h2>\(said)\(list)\(form)"
    }

    static func sizeText(_ bytes: Int) -> String {
        bytes < 1024 ? "\(bytes) B" : bytes < 1 << 20 ? "\((bytes + 512) / 1024) KB" : String(format: "%.1f MB", Double(bytes) / Double(1 << 20))
    }

    /// `POST /tickets/{number}/attachments`: 303 to the ticket with `?done=attach`, or the
    /// ticket page again with the refusal in the user's language, its status, a log
    /// line and nothing written.
    func attachFromForm(_ request: Request, _ context: MeshDeskRequestContext) async throws -> Response {
        let (user, acting) = try api.acting(context)
        let number = try context.parameters.require("number")
        let ticket = try department.ticket(number)
        try Access.requireTicketRead(user, ticket)
        let lang = Language.of(request)
        let metadata: Logger.Metadata = ["form": "ticket.attach", "user": "\(user.username)", "ticket": "\(ticket.number)"]
        do {
            let form = try await MultipartForm.read(request, fields: [], fileField: "file", bytesMax: Self.attachmentPostBytesMax, csrfOf: user)
            guard let file = form.file, !file.bytes.isEmpty else {
                throw DutyRefusal("missing_field", "请选择要上传的文件。", "Choose a file to upload.")
            }
            try department.attach(file.bytes, name: file.name, toTicket: ticket.number, by: acting)
            context.logger.info("attachment stored", metadata: metadata.merging(["bytes": "\(file.bytes.count)"]) { a, _ in a })
            return HTMLResponse.redirect("/tickets/\(AssetQuery.encode(ticket.number))?done=attach")
        } catch {
            let api = APIError.from(error)
            let tooLarge: Bool
            if case .invalid(let field, _)? = error as? DomainError, field == "attachment size" { tooLarge = true } else { tooLarge = error is NIOTooManyBytesError }
            let status = (error as? DutyRefusal)?.status ?? (tooLarge ? .contentTooLarge : api.status)
            guard status.code < 500, status != .forbidden || (error as? APIError)?.code != "csrf_token_missing" else { throw error }
            let message = (error as? DutyRefusal).map { lang.pick($0.zh, $0.en) } ?? attachmentRefusal(error, lang)
            context.logger.notice("attachment refused: \((error as? DutyRefusal)?.en ?? api.message)",
                                  metadata: metadata.merging(["status": "\(status.code)"]) { a, _ in a })
            var response = try page(request, context, path: "/tickets") { user, layout in
                try ticketPage(ticket.number, user, layout, failure: nil, attachmentNotice: .refused(message))
            }
            response.status = status
            return response
        }
    }

    func attachmentRefusal(_ error: any Error, _ lang: Language) -> String {
        if error is NIOTooManyBytesError {
            return lang.pick("文件太大：附件不超过 \(Self.sizeText(Department.attachmentBytesMax))，未保存。",
                             "The file is too large: at most \(Self.sizeText(Department.attachmentBytesMax)). Nothing saved.")
        }
        switch error as? DomainError {
        case .invalid(let field, _)? where field == "attachment size":
            return lang.pick("文件太大：附件不超过 \(Self.sizeText(Department.attachmentBytesMax))，未保存。",
                             "The file is too large: at most \(Self.sizeText(Department.attachmentBytesMax)). Nothing saved.")
        case .invalid(let field, _)? where field == "attachment type":
            return lang.pick("不支持该文件类型：只能上传 PNG、JPEG、GIF、WebP 图片、PDF 或纯文本，未保存。",
                             "That kind of file is not taken: PNG, JPEG, GIF or WebP images, PDF or plain text only. Nothing saved.")
        case .invalid(let field, _)? where field == "attachments":
            return lang.pick("该工单的附件已达上限 \(Department.attachmentsPerTicketMax) 个，未保存。",
                             "The ticket holds the most attachments it may (\(Department.attachmentsPerTicketMax)). Nothing saved.")
        default:
            return lang.refusal(error)
        }
    }
}

extension Language {
    func name(of type: AttachmentType) -> String {
        switch type {
        case .png: "PNG"
        case .jpeg: "JPEG"
        case .gif: "GIF"
        case .webp: "WebP"
        case .pdf: "PDF"
        case .text: pick("文本", "text")
        }
    }
}
