import Domain

/// A campus's posts and shifts as staff say them (网络安全, 前夜班), and a roster seat as
/// `2026-03-05 网络安全 白班`: one place for every page that names seats, so none shows
/// a post id or a shift key.
struct SeatNames {
    let lang: Language
    let posts: [Post]
    let policy: CampusRosterPolicy?

    func postName(_ id: PostID) -> String {
        posts.first { $0.id == id }.map { lang.pick($0.nameChinese, $0.nameEnglish) } ?? lang.pick("未知岗位", "unknown post")
    }

    func shiftName(_ id: ShiftKindID) -> String {
        policy?.template(id).map { lang.pick($0.nameChinese, $0.nameEnglish) } ?? lang.pick("未知班次", "unknown shift")
    }

    func seatName(_ slot: SlotKey) -> String { "\(slot.date.iso) \(postName(slot.post)) \(shiftName(slot.shiftKind))" }
}
