import GRDB
import Replica
import Storage

/// 待处理事项 (资产) — what merging assets could not decide, identical on every
/// converged replica.
public enum AssetProblem: Hashable, Codable, Sendable, CustomStringConvertible {
    /// 资产编号重复 — one tag registered at several campuses while cut off. Resolve by
    /// retagging one (`asset retag TAG@CAMPUS NEWTAG`).
    case duplicateTag(tag: String, campuses: [String])
    /// Concurrent draws took a consumable below zero.
    case negativeStock(tag: String, campus: String, stock: Int)
    /// The chief approved a scrap at one campus while the request was cancelled or
    /// rejected at another: the asset reads as scrapped, the request does not. A human
    /// confirms (or registers the device again).
    case scrappedWithoutApproval(tag: String, campus: String, approval: String, state: ApprovalState)

    public var description: String {
        switch self {
        case let .duplicateTag(tag, campuses): "asset tag \(tag) registered at \(campuses.joined(separator: " and "))"
        case let .negativeStock(tag, campus, stock): "\(tag)@\(campus): stock \(stock) after concurrent draws"
        case let .scrappedWithoutApproval(tag, campus, approval, state):
            "\(tag)@\(campus) was scrapped by approval \(approval), which is \(state.rawValue) after the merge"
        }
    }
}

enum AssetProblemsQuery {
    static func list(_ db: Database) throws -> [AssetProblem] {
        let table = AssetRows.table
        var problems: [AssetProblem] = try Row.fetchAll(db, sql: """
            SELECT tag, group_concat(campus, ',') AS campuses FROM (SELECT tag, campus FROM \(table) ORDER BY tag, campus)
            GROUP BY tag HAVING count(*) > 1 ORDER BY tag
            """).map { .duplicateTag(tag: ($0["tag"] as String?) ?? "", campuses: (($0["campuses"] as String?) ?? "").split(separator: ",").map(String.init)) }
        // Optional reads: a row a peer wrote without a tag or campus is input, not a trap.
        problems += try Row.fetchAll(db, sql: "SELECT tag, campus, stock FROM \(table) WHERE stock < 0 ORDER BY tag, campus").map {
            .negativeStock(tag: ($0["tag"] as String?) ?? "", campus: ($0["campus"] as String?) ?? "", stock: StoredRows.counter($0, "stock") ?? 0)
        }
        for row in try Row.fetchAll(db, sql: "SELECT tag, campus, scrap_approval FROM \(table) WHERE scrapped_at IS NOT NULL ORDER BY tag, campus") {
            let id: String = (row["scrap_approval"] as String?) ?? ""
            guard let approval = try ApprovalRows.load(db, id), approval.state != .approved else { continue }
            problems.append(.scrappedWithoutApproval(tag: (row["tag"] as String?) ?? "", campus: (row["campus"] as String?) ?? "", approval: id,
                                                     state: approval.state))
        }
        return problems
    }
}

extension Department {
    public func assetProblems() throws(DomainError) -> [AssetProblem] {
        try query { try AssetProblemsQuery.list($0) }
    }
}
