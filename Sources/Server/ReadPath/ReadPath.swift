import Domain
import NIOCore
import Storage
import Synchronization

/// The server's read path: the lane heavy reads run on, the views cached per replica
/// state, and the feed that tells open pages the state moved. One per router.
final class ReadPath: Sendable {
    let lane: ReadLane
    /// Parts of pages (HTML), per state, minute, language and scope.
    let pages = ViewCache<PageContent>()
    /// API answers (encoded JSON), per state, minute, scope and query.
    let answers = ViewCache<ByteBuffer>()
    /// The campus codes, per state: every scope needs them.
    let campusLists = ViewCache<[CampusCode]>()
    let feed: ChangeFeed

    let department: Department

    init(department: Department, lane: ReadLane = ReadLane(), eventStreamLifetime: Duration = .seconds(600)) {
        self.department = department
        self.lane = lane
        var limits = ChangeFeed.Limits()
        limits.streamLifetime = eventStreamLifetime
        self.feed = ChangeFeed(store: department.store, limits: limits)
    }

    /// After a write, a session reads the newest views for this long (its own write must
    /// be in what it reads next); other requests may be served a view up to
    /// `ViewCache.staleServeMax` old while the next one is computed.
    static let freshAfterWrite: Duration = .seconds(10)
    /// Sessions remembered as recent writers; past this the oldest are forgotten.
    static let writersTrackedMax = 10_000

    private let writers = Mutex<[String: ContinuousClock.Instant]>([:])
    /// The unread count of every frame's 通知 badge, by recipient, with the state it was
    /// counted at: one SQLite read per recipient per state, not one per page served.
    private let unreadCounts = Mutex<[String: (version: String, count: Int)]>([:])
    /// Recipients whose count is kept; past it the table starts again (a count is cheap to redo).
    static let unreadCountsMax = 10_000

    /// `recipient`'s unread notifications at the state `version` names, counted by `count`
    /// only when the state moved since the last count (an empty `version`: always).
    func unread(for recipient: String, version: String, count: () throws -> Int) rethrows -> Int {
        if !version.isEmpty, let kept = unreadCounts.withLock({ $0[recipient] }), kept.version == version { return kept.count }
        let fresh = try count()
        guard !version.isEmpty else { return fresh }
        unreadCounts.withLock { counts in
            if counts.count >= Self.unreadCountsMax { counts.removeAll(keepingCapacity: true) }
            counts[recipient] = (version, fresh)
        }
        return fresh
    }

    func noteWrite(session: String) {
        writers.withLock { w in
            let now = ContinuousClock.now
            if w.count >= Self.writersTrackedMax { w = w.filter { now - $0.value < Self.freshAfterWrite } }
            if w.count >= Self.writersTrackedMax { w.removeAll() }
            w[session] = now
        }
    }

    func freshness(for session: String) -> ViewFreshness {
        writers.withLock { w in
            guard let at = w[session] else { return .recentEnough }
            return ContinuousClock.now - at < Self.freshAfterWrite ? .newest : .recentEnough
        }
    }

    /// Requests share one read of the replica state while no commit of this process
    /// happened since and for at most this long (other processes' commits — a CLI on the
    /// same file — are seen within it): at hundreds of requests a second the state read
    /// (origins and entity counts) is done a few dozen times a second, not per request.
    /// A session that just wrote always reads anew.
    static let stateShareMax: Duration = .milliseconds(20)

    private struct SharedState { let state: SeenState; let commits: UInt64; let readAt: ContinuousClock.Instant }
    private let sharedState = Mutex<SharedState?>(nil)

    /// The state a request of `session` (nil: not signed in) reads: the shared read when it
    /// is current for it, else a new one (which becomes the shared read).
    func state(for session: String?) throws -> SeenState {
        let now = ContinuousClock.now
        // Read before the state: a commit after this count makes the next request re-read.
        let commits = department.store.commitsInProcess
        let writer = session.map { freshness(for: $0) == .newest } ?? false
        if !writer, let shared = sharedState.withLock({ $0 }), shared.commits == commits, now - shared.readAt < Self.stateShareMax {
            return shared.state
        }
        let fresh = SeenState(try department.store.readState())
        sharedState.withLock { shared in
            // Concurrent reads: keep the later one (the state never goes back).
            if shared.map({ $0.commits < commits || ($0.commits == commits && $0.readAt < now) }) ?? true {
                shared = SharedState(state: fresh, commits: commits, readAt: now)
            }
        }
        return fresh
    }

    /// The department's campus codes at `state`.
    func campuses(at state: SeenState) async throws -> [CampusCode] {
        try await campusLists.value(.init(view: "campuses", touches: state.touches(ViewReads.campuses), minute: 0, variant: "")) { [department] in
            try department.campuses().map(\.code)
        }
    }

    /// The scope of `user` at `state` (see `ViewScope`).
    func scope(of user: SignedIn, at state: SeenState) async throws -> String {
        ViewScope.of(user, campuses: try await campuses(at: state))
    }
}

/// A page's title and body as the cache keeps them: without the frame (navigation,
/// the user's name, the sign-out form with its CSRF token, the script nonce), which
/// `Layout` adds per request.
struct PageContent: Sendable {
    let title: String
    let body: HTML
}

/// What a view may show a user beyond the replica state: their roles (which campuses
/// they read, whose tickets they see, which links they are offered), their home
/// campus (a default selection) and — only where they see just their own tickets —
/// who they are. Two users share a cached view only if their scopes are equal, so a
/// cache can never hand one user another's tickets.
enum ViewScope {
    static func of(_ user: SignedIn, campuses: [CampusCode]) -> String {
        let roles = user.staff.roles.map(\.element).sorted().joined(separator: ",")
        let ownOnly = campuses.contains { !Access.seesAllTickets(user, $0) }
        return "\(roles)|home=\(user.staff.campus.rawValue)" + (ownOnly ? "|own=\(user.person.rawValue)" : "")
    }
}

/// A cached view that would carry something of one session (its CSRF token) must not
/// be shared: a programmer error, found by the check in `Dashboard.cachedPage`.
struct PersonalViewRefused: Error {}
