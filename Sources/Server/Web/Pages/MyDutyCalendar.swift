import Domain
import Hummingbird

/// 我的日历 on 我的值班: download my shifts as iCalendar, and a subscription URL for a
/// calendar app. The token is shown once, when made; a new one revokes the old.
extension Dashboard {
    func calendarSection(_ view: DutyView, request: Request, issuedToken: String?) -> HTML {
        let lang = view.lang
        let download: HTML = "<p><a href=\"/duty/calendar.ics\" id=\"download-calendar\">\(lang.pick("下载我的值班日历（iCal，上月至下月）", "Download my duty calendar (iCal, last month to next)"))</a></p>"
        var state: HTML
        if let issuedToken {
            let scheme = request.head.scheme ?? "http"
            let host = request.head.authority ?? "127.0.0.1"
            let url = "\(scheme)://\(host)\(APIRoutes.calendarPath(issuedToken))"
            state = """
                <p class="card ok" id="calendar-url">\(lang.pick("新的订阅链接（只显示这一次，请现在复制到日历软件；旧链接已失效）：", "Your new subscription link (shown this once: copy it into your calendar app now; the old link no longer works):"))<br>
                <input class="wide" readonly value="\(url)"></p>
                """
        } else if let at = api.calendarTokens.issuedAt(username: view.user.username) {
            state = "<p>\(lang.pick("已有订阅链接，生成于 \(view.time(at))。", "A subscription link exists, made \(view.time(at)).")) <span class=\"muted\">\(lang.pick("链接只在生成时显示；忘记了请重新生成。", "It is shown only when made; make a new one if it is lost."))</span></p>"
        } else {
            state = "<p class=\"muted\">\(lang.pick("尚无订阅链接。", "No subscription link yet."))</p>"
        }
        let revoke: HTML = api.calendarTokens.issuedAt(username: view.user.username) == nil ? "" : """
            <form method="post" action="/duty/calendar" class="act">\(view.csrfField)<input type="hidden" name="action" value="revoke">\
            <button id="revoke-calendar">\(lang.pick("停用订阅链接", "Revoke the link"))</button></form>
            """
        return """
            \(download)\(view.error("calendar"))\(state)
            <form method="post" action="/duty/calendar" class="act">\(view.csrfField)<input type="hidden" name="action" value="new">\
            <button id="new-calendar-link">\(lang.pick("生成新的订阅链接", "Make a new subscription link"))</button></form>\(revoke)
            <p class="muted">\(lang.pick("订阅链接只对本节点有效，不含登录信息，只能读取您本人的班次。", "The link works at this node, carries no sign-in, and reads only your own shifts."))</p>
            """
    }
}
