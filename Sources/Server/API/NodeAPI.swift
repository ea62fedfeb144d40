import Foundation
import Domain
import HTTPTypes
import Hummingbird
import Node
import Security
import Storage

/// 待处理 and 节点状态: post-merge problems, the replica's raw conflicts, node status,
/// and the small "has anything changed" answer the dashboard polls.
extension APIRoutes {
    func registerNode(on router: Router<MeshDeskRequestContext>) {
        router.get("/api/problems") { request, context in
            let user = try context.activeUser()
            let campuses = try visibleCampuses(user, request).filter { Access.overseesCampus(user, $0) }
            return try JSONResponse.make(try problems(campuses: campuses, everyCampus: Access.seesEveryCampus(user)))
        }
        router.get("/api/conflicts") { _, context in
            let user = try context.activeUser()
            guard Access.seesEveryCampus(user) else {
                throw APIError(.forbidden, "not_permitted", "raw replica conflicts span every campus: they need a role for every campus")
            }
            return try JSONResponse.make(try conflicts())
        }
        router.get("/api/cluster") { _, context in
            _ = try context.activeUser()
            return try JSONResponse.make(try clusterHealth())
        }
        router.get("/api/status") { _, context in
            _ = try context.activeUser()
            return try JSONResponse.make(StatusView(try NodeStatus(store: department.store, directory: directory)))
        }
        // Polled by every dashboard page; a session is enough (no password-change gate),
        // and it answers from the state requests share (`ReadPath.state(for:)`).
        router.get("/api/changes") { _, context in
            let user = try context.user()
            return try JSONResponse.make(try changes(session: user.session.token))
        }
    }

    /// Post-merge items to resolve at `campuses`: roster problems, then tickets' and assets',
    /// then stored values out of their bounds (rows without a known campus go to those who
    /// see `everyCampus`).
    func problems(campuses: [CampusCode], everyCampus: Bool) throws -> [ProblemView] {
        let codes = Set(campuses.map(\.rawValue))
        let tickets = try department.ticketProblems().map(TicketProblemView.init).filter { codes.contains($0.campus) }
            .map { ProblemView(kind: "ticket_\($0.kind)", campus: $0.campus, description: $0.description) }
        let assets = try department.assetProblems().flatMap { problem -> [ProblemView] in
            switch problem {
            case let .duplicateTag(_, campuses):
                return campuses.filter(codes.contains).map { ProblemView(kind: "asset_duplicate_tag", campus: $0, description: problem.description) }
            case let .negativeStock(_, campus, _):
                return codes.contains(campus) ? [ProblemView(kind: "asset_negative_stock", campus: campus, description: problem.description)] : []
            case let .scrappedWithoutApproval(_, campus, _, _):
                return codes.contains(campus)
                    ? [ProblemView(kind: "asset_scrapped_without_approval", campus: campus, description: problem.description)] : []
            }
        }
        let bounds = try outOfBounds(campuses: campuses, everyCampus: everyCampus).map {
            ProblemView(kind: "stored_value_out_of_bounds", campus: $0.campus, description: $0.description)
        }
        return try rosterProblems(campuses: campuses) + tickets + assets + bounds
    }

    /// Rows holding a value outside its field's bound (`StoredBounds`), as a peer stored them.
    func outOfBounds(campuses: [CampusCode], everyCampus: Bool) throws -> [OutOfBoundsValue] {
        let codes = Set(campuses.map(\.rawValue))
        return try department.outOfBoundsValues().filter { codes.contains($0.campus) || everyCampus }
    }

    func rosterProblems(campuses: [CampusCode]) throws -> [ProblemView] {
        try campuses.flatMap { campus in
            try RosterProblems.list(store: department.store, campus: campus).map { problem in
                ProblemView(kind: problem.kind, campus: campus.rawValue, description: problem.description)
            }
        }
    }

    struct ConflictView: Codable, Sendable { let kind, entity, row, field: String; let versions: [String] }

    func conflicts() throws -> [ConflictView] {
        try department.store.conflicts().map { item in
            switch item {
            case let .siblings(entity, row, field, versions):
                ConflictView(kind: "siblings", entity: entity, row: row.description, field: field,
                             versions: versions.map { $0.value.textValue ?? "\($0.value)" })
            case let .editedAfterDelete(entity, row, _, _):
                ConflictView(kind: "edited_after_delete", entity: entity, row: row.description, field: "", versions: [])
            }
        }
    }

    /// A fingerprint of the version vector: it changes exactly when a batch (local or remote) lands.
    func changes(session: String?) throws -> ChangesView {
        let stamp = try reads.state(for: session).stamp
        return ChangesView(version: stamp.digest, batches: stamp.batches)
    }
}

/// `/api/status`: the node's replica as `meshdesk status` reports it, without the data
/// directory's filesystem path (the host's layout is not the requester's business).
struct StatusView: Encodable {
    let site: String
    let epoch: UInt32
    let schemaVersion: UInt16
    let versionVector: [NodeStatus.OriginEntry]
    let batches: UInt64
    let materialisedRows: Int
    let stateDigest: String
    let conflicts: Int
    let quarantinedOrigins: [String]

    init(_ status: NodeStatus) {
        site = status.site
        epoch = status.epoch
        schemaVersion = status.schemaVersion
        versionVector = status.versionVector
        batches = status.batches
        materialisedRows = status.materialisedRows
        stateDigest = status.stateDigest
        conflicts = status.conflicts
        quarantinedOrigins = status.quarantinedOrigins
    }
}

extension RosterProblem {
    /// The problem's kind as the API names it (and `/problems` translates).
    var kind: String {
        switch self {
        case .concurrentAssignees: "concurrent_assignees"
        case .rule: "roster_rule"
        case .swapApprovalAfterClose: "swap_approval_after_close"
        case .leaveRevokedAfterCover: "leave_revoked_after_cover"
        }
    }
}
