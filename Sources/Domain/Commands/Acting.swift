/// Who issues a command and when. The domain never reads the wall clock: the CLI or
/// server passes `now` (China local time) with every command.
public struct Acting: Hashable, Sendable {
    public let person: PersonID
    public let now: LocalDateTime

    public init(_ person: PersonID, at now: LocalDateTime) {
        self.person = person
        self.now = now
    }
}
