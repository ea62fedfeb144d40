/// Who issues a command and when. The domain never reads the wall clock: the CLI or
/// server passes `now` (China local time) with every command.
public struct Acting: Hashable, Sendable {
    public let person: PersonID
    public let now: LocalDateTime
    /// How the command reached the node, for the audit entry: `cli os-user=… uid=…` for
    /// the CLI (whose `--as` nobody authenticates), `web user=…` for a signed-in web
    /// session; nil where the caller does not say (demo data, tests).
    public let via: String?

    public init(_ person: PersonID, at now: LocalDateTime, via: String? = nil) {
        self.person = person
        self.now = now
        self.via = via
    }
}
