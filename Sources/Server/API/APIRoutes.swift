import Domain
import HTTPTypes
import Hummingbird
import Node
import NIOCore
import Replica
import Storage

/// The JSON API under `/api`: everything the CLI does on rosters, swaps, leave,
/// overtime, attendance, handover, the duty log, tickets, assets, approvals, problems to resolve and node status,
/// with the domain's rules and errors. Each write goes through one `Department`
/// command, so it lands in the audit trail with the person and this node's site.
struct APIRoutes: Sendable {
    let department: Department
    let accounts: AccountService
    let calendarTokens: CalendarTokens
    let directory: DataDirectory
    let configuration: ServerConfiguration
    let reads: ReadPath

    var now: LocalDateTime { configuration.clock.now() }

    func register(on router: Router<MeshDeskRequestContext>) {
        registerSession(on: router)
        registerDuty(on: router)
        registerRoster(on: router)
        registerRequests(on: router)
        registerHandover(on: router)
        registerCalendar(on: router)
        registerTickets(on: router)
        registerTicketAttachments(on: router)
        registerAssets(on: router)
        registerApprovals(on: router)
        registerKnowledge(on: router)
        registerEmergency(on: router)
        registerMachineRoom(on: router)
        registerNode(on: router)
        registerEvents(on: router)
        registerAdmin(on: router)
        registerDirectory(on: router)
    }

    /// The state a request reads: read once, first, so every view it builds agrees
    /// (shared between requests for `ReadPath.stateShareMax`, except after a write).
    func seenState(session: String?) throws -> SeenState { try reads.state(for: session) }

    /// An API answer computed once per state, minute and variant (the caller puts the
    /// user's `ViewScope` and the query in it), encoded once and sent as is.
    func cachedAnswer(_ view: String, reads: [EntityID], session: String, variant: String,
                      _ compute: @escaping @Sendable () throws -> some Encodable & Sendable) async throws -> Response {
        let state = try seenState(session: session)
        let key = ViewCache<ByteBuffer>.Key(view: view, touches: state.touches(reads), minute: now.minutesSinceEpoch, variant: variant)
        let served = try await self.reads.answers.serve(key, freshness: self.reads.freshness(for: session)) {
            try await self.reads.lane.run { try JSONResponse.encode(try compute()) }
        }
        var response = JSONResponse.make(encoded: served.value)
        // A view of the state just before the newest (at most `staleServeMax` old) says so.
        if !served.isCurrent { response.headers[HTTPField.Name("X-MeshDesk-View")!] = "previous" }
        return response
    }

    /// Runs a write as the signed-in user: the password must be in order. The session is
    /// remembered as a writer, so its next reads wait for the newest views.
    func acting(_ context: MeshDeskRequestContext) throws -> (SignedIn, Acting) {
        let user = try context.activeUser()
        reads.noteWrite(session: user.session.token)
        return (user, Acting(user.person, at: now, via: "web user=\(user.username)"))
    }
}
