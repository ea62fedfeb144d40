/// 谁来发送 — which node sends a due notification. Depends only on replicated state
/// (is there a delivery record?) and `now`, so a node decides alone, also when cut off.
///
/// The node of the ticket's campus sends at once. Any other node sends only when
/// `takeoverMinutes` have passed since the notification fell due and still no delivery
/// record has reached it: the campus node is down or cut off from this one. Both
/// sending is possible only while they cannot hear each other (docs/notifications.md).
public enum SenderRule {
    public enum Decision: Hashable, Sendable {
        /// Somebody's delivery record is here: nothing to do.
        case delivered
        case send
        /// Not this node's turn (yet): wait until `at`.
        case wait(until: Int)
    }

    public static func decide(_ due: DueNotification, localCampus: CampusCode?, delivered: Bool, takeoverMinutes: Int,
                              now: Int) -> Decision {
        if delivered { return .delivered }
        if localCampus == due.campus { return .send }
        let takeover = due.dueAt + takeoverMinutes
        return now >= takeover ? .send : .wait(until: takeover)
    }
}
