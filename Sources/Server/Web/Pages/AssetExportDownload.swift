import Domain
import HTTPTypes
import Hummingbird
import NIOCore

/// 导出 — the assets of the campuses the user reads (or the one `?campus=` names) as the
/// CSV `asset export` writes (formula cells neutralised; importable back as is), with a
/// byte-order mark so a spreadsheet on a ward PC opens the Chinese text as UTF-8.
extension Dashboard {
    func assetExportResponse(_ request: Request, _ context: MeshDeskRequestContext) async throws -> Response {
        let user: SignedIn
        switch access(request, context) {
        case .user(let signedIn): user = signedIn
        case .redirect(let response): return response
        }
        let chosen = request.uri.queryParameters.get("campus").map { String($0) } ?? ""
        let csv = try await api.reads.lane.run { [department] in
            let readable = try department.campuses().map(\.code).filter { Access.canRead(user, $0) }
            let campuses = chosen.isEmpty ? readable : readable.filter { $0.rawValue == chosen }
            var text = ""
            for (n, campus) in campuses.enumerated() {
                let part = try department.exportAssets(campus: campus)
                // Every part starts with the header line (field names, no line breaks): kept once.
                text += n == 0 ? part : String(part[(part.range(of: "\r\n")?.upperBound ?? part.startIndex)...])
            }
            return text.isEmpty ? CSVTable.write([AssetField.allCases.map(\.rawValue)]) : text
        }
        return Response(status: .ok, headers: [
            .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"assets.csv\"", .cacheControl: "no-store",
        ], body: .init(byteBuffer: ByteBuffer(string: "\u{FEFF}" + csv)))
    }
}
