import Domain
import Hummingbird

/// 标签打印 — the QR labels of the inventory's current selection (or of one tag,
/// `?tag=`) laid out for A4 label sheets: 3 × 7 labels of 63.5 × 38.1 mm (the common
/// 21-up sheet), each with the QR code, tag, name and campus. Printed from the browser;
/// the navigation and the notes do not print.
extension Dashboard {
    /// Most labels one request lays out (ten sheets): a bigger batch is printed in parts.
    static let labelsPerRequestMax = 210
    static let labelsPerSheet = 21

    func assetLabelsPage(_ request: Request, _ user: SignedIn, _ lang: Language) throws -> PageContent {
        let query = AssetQuery(request)
        var filter = try assetFilter(query, user)
        let single = request.uri.queryParameters.get("tag").map { String($0) }
        if let single { filter.text = single }
        var listings: [AssetListing] = []
        var total = 0
        var page = 1
        while listings.count < Self.labelsPerRequestMax {
            let found = try department.assetInventory(filter, page: page)
            total = found.total
            listings += found.assets.filter { single == nil || $0.record.tag == single }
            guard page < found.pages else { break }
            page += 1
        }
        listings = Array(listings.prefix(Self.labelsPerRequestMax))
        if single != nil { total = listings.count }
        let labels: [HTML] = try listings.map { line in
            let r = line.record
            return """
                <div class="label">\(try assetLabelMarkup(r.tag, moduleSize: 4))<div class="text"><strong>\(r.tag)</strong><br>\(r.name)<br>\
                <span class="muted">\(r.campus.rawValue) · \(lang.name(of: r.type))</span></div></div>
                """
        }
        let cut: HTML = total > listings.count
            ? "<p class=\"warn noprint\">\(lang.pick("共 \(total) 个，每次最多打印 \(Self.labelsPerRequestMax) 个：请缩小筛选范围分批打印。", "\(total) match; at most \(Self.labelsPerRequestMax) labels a request: narrow the filter and print in parts."))</p>"
            : ""
        let back = query.queryString.isEmpty ? "/assets" : "/assets?\(query.queryString)"
        return PageContent(title: lang.pick("资产标签", "Asset labels"), body: """
            <style>
            @page{size:A4;margin:15mm 7mm}
            .sheet{display:grid;grid-template-columns:repeat(3,63.5mm);grid-auto-rows:38.1mm;column-gap:2.5mm;background:#fff}
            .label{box-sizing:border-box;border:1px dashed #ccd3da;padding:2mm;display:flex;gap:2mm;align-items:center;overflow:hidden;break-inside:avoid}
            .label svg{width:30mm;height:auto;flex:none}.label .text{font-size:11px;line-height:1.35;word-break:break-all}
            .sheet .label:nth-child(\(Self.labelsPerSheet)n){break-after:page}
            @media print{header,h1,.noprint{display:none}main{padding:0}body{background:#fff}.label{border-color:transparent}}
            </style>
            <p class="noprint">\(lang.pick("共 \(listings.count) 个标签，按 A4 不干胶标签纸（每页 3 × 7）排版。用浏览器“打印”即可。",
                                             "\(listings.count) labels laid out for A4 label sheets (3 × 7 a page). Print from the browser.")) \
            <a href="\(back)">\(lang.pick("返回资产", "Back to assets"))</a></p>\(cut)
            \(labels.isEmpty ? HTML("<p class=\"muted\">\(lang.pick("没有符合条件的资产。", "No asset matches."))</p>") : "<div class=\"sheet\">\(labels)</div>")
            """)
    }
}
