import Domain
import Foundation
import HTTPTypes
import Hummingbird

/// 管理 over JSON: accounts (create and reset with a one-time password in the answer,
/// disable, enable, unlock), the ticket policy, and one day of the holiday calendar or
/// the official year — what the 管理 pages and `meshdesk user`, `ticket policy` and
/// `directory calendar-day | calendar-official` do, through the same domain commands.
extension APIRoutes {
    struct AccountView: Codable, Sendable {
        let username, person: String
        let disabled, locked, mustChangePassword: Bool
        let failedAttempts: Int
        let lockedUntil: String?
    }

    struct OneTimePasswordView: Codable, Sendable {
        let username: String
        /// Shown this once; the holder must change it at first sign-in.
        let oneTimePassword: String
    }

    struct NewAccountBody: StrictBody {
        static let fields: Set<String> = ["username", "person"]
        let username: String
        let person: String
    }

    struct PolicyBody: StrictBody {
        static let fields: Set<String> = ["matrix", "targets", "businessHours"]
        let matrix: [String: [String: Int]]
        let targets: [String: SLATarget]
        let businessHours: [String: [[Int]]]?
    }

    struct CalendarDayBody: StrictBody {
        static let fields: Set<String> = ["kind", "name"]
        /// holiday, workday or normal.
        let kind: String
        let name: String?
    }

    /// An action without fields: no body, or `{}`.
    struct NoBody: StrictBody {
        static let fields: Set<String> = []
    }

    struct OfficialYearBody: StrictBody {
        static let fields: Set<String> = ["year"]
        let year: Int
    }

    func registerAdmin(on router: Router<MeshDeskRequestContext>) {
        router.get("/api/accounts") { _, context in
            let user = try context.activeUser()
            try Access.requireAdministrator(user)
            let campuses = Set(try department.campuses().map(\.code).filter { user.staff.holds(.administrator, at: $0) })
            let people = Dictionary(try department.people().map { ($0.id, $0.campus) }, uniquingKeysWith: { a, _ in a })
            return try JSONResponse.make(try department.accounts().filter { people[$0.person].map(campuses.contains) ?? false }.map {
                AccountView(username: $0.username, person: $0.person.rawValue, disabled: $0.disabled, locked: $0.isLocked(at: now),
                            mustChangePassword: $0.mustChangePassword, failedAttempts: $0.failedAttempts, lockedUntil: $0.lockedUntil?.description)
            })
        }
        router.post("/api/accounts") { request, context in
            let (user, acting) = try acting(context)
            try Access.requireAdministrator(user)
            let body = try await StrictJSON.decode(NewAccountBody.self, from: request)
            let password = Dashboard.oneTimePassword()
            let hash = try AccountService.hash(password, hasher: accounts.hasher, charactersMin: configuration.passwordCharactersMin)
            try department.createAccount(username: body.username, person: PersonID(body.person), passwordHash: hash, mustChangePassword: true, by: acting)
            return try JSONResponse.make(OneTimePasswordView(username: body.username, oneTimePassword: password), status: .created)
        }
        router.post("/api/accounts/{username}/{action}") { request, context in
            let (user, acting) = try acting(context)
            try Access.requireAdministrator(user)
            let username = try context.parameters.require("username")
            _ = try await StrictJSON.decodeIfPresent(NoBody.self, from: request)
            switch try context.parameters.require("action") {
            case "reset":
                let password = Dashboard.oneTimePassword()
                let hash = try AccountService.hash(password, hasher: accounts.hasher, charactersMin: configuration.passwordCharactersMin)
                try department.setPassword(username: username, passwordHash: hash, by: acting)
                return try JSONResponse.make(OneTimePasswordView(username: username, oneTimePassword: password))
            case "disable": try department.setAccountDisabled(username: username, disabled: true, by: acting)
            case "enable": try department.setAccountDisabled(username: username, disabled: false, by: acting)
            case "unlock": try department.unlockAccount(username: username, by: acting)
            case let other: throw APIError(.notFound, "not_found", "no account action \(other): reset, disable, enable, unlock")
            }
            return JSONResponse.noContent()
        }
        router.get("/api/ticket-policy") { _, context in
            _ = try context.activeUser()
            return try JSONResponse.make(try department.ticketPolicy())
        }
        router.put("/api/ticket-policy") { request, context in
            let (user, acting) = try acting(context)
            try Access.requireAdministrator(user)
            let body = try await StrictJSON.decode(PolicyBody.self, from: request)
            try department.setTicketPolicy(TicketPolicy(matrix: body.matrix, targets: body.targets, businessHours: body.businessHours), by: acting)
            return JSONResponse.noContent()
        }
        router.put("/api/holidays/{date}") { request, context in
            let (user, acting) = try acting(context)
            try Access.requireAdministrator(user)
            let date = try Parse.date(try context.parameters.require("date"), field: "date")
            let body = try await StrictJSON.decode(CalendarDayBody.self, from: request)
            let kind: HolidayCalendar.Kind? = body.kind == "normal" ? nil : try Parse.choice(body.kind, field: "kind")
            try department.setCalendarDay(date, kind: kind, name: body.name ?? "", by: acting)
            return JSONResponse.noContent()
        }
        router.post("/api/holidays/official") { request, context in
            let (user, acting) = try acting(context)
            try Access.requireAdministrator(user)
            let body = try await StrictJSON.decode(OfficialYearBody.self, from: request)
            guard let text = BundledCalendars.text(year: body.year) else {
                throw APIError(.unprocessableContent, "invalid", "no official schedule of \(body.year) is shipped: \(BundledCalendars.years)")
            }
            try department.loadHolidayCalendar(text, by: acting)
            return JSONResponse.noContent()
        }
    }
}
