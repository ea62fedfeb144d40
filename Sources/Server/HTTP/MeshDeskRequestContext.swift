import HTTPTypes
import Hummingbird
import NIOCore

/// Per-request state: who is signed in (set by `SessionMiddleware`), and the body limit.
public struct MeshDeskRequestContext: RequestContext {
    /// Every body MeshDesk accepts is a small form or JSON object: 64 KiB is generous
    /// (a duty log entry is at most 2,000 characters) and bounds what one request costs.
    public static let bodyBytesMax = 64 * 1024

    public var coreContext: CoreRequestContextStorage
    public var signedIn: SignedIn?
    /// The peer's IP address (no port), the "source" the sign-in throttle counts by;
    /// "-" when the channel has none (the in-process test client).
    public let source: String
    /// The connection, for a long response (an event stream) to close when its client
    /// stops reading.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        signedIn = nil
        self.source = source.channel.remoteAddress?.ipAddress ?? "-"
        channel = source.channel
    }

    public var maxUploadSize: Int { Self.bodyBytesMax }

    /// The signed-in user, or 401.
    func user() throws -> SignedIn {
        guard let signedIn else { throw APIError.unauthenticated }
        return signedIn
    }

    /// The signed-in user whose password is in order, or 401/403.
    func activeUser() throws -> SignedIn {
        let user = try user()
        guard !user.passwordChangeDue else { throw APIError.passwordChangeRequired }
        return user
    }
}
