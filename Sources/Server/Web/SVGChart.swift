/// 图表 — small charts drawn on the server as inline SVG: no script, no library, nothing
/// fetched (hospital networks are closed, and the CSP allows no scripts but the poll).
/// Every label goes through `HTML` interpolation, so a campus named `<script>` is text.
enum SVGChart {
    /// Fill colours by series index (campus order), repeating past the end.
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]

    static func colour(_ index: Int) -> HTML { HTML(stringLiteral: palette[index % palette.count]) }

    /// Stacked columns: one column per label (a day), one band per series (a campus).
    /// `values[label][series]`; a legend names the series; each band has a tooltip.
    static func stackedColumns(title: String, labels: [String], series: [String], values: [[Int]],
                               width: Int = 720, height: Int = 220) -> HTML {
        let left = 36, bottom = 28, top = 24
        let plotHeight = height - bottom - top
        let plotWidth = width - left - 8
        let maximum = max(1, values.map { $0.reduce(0, +) }.max() ?? 0)
        let step = labels.isEmpty ? plotWidth : plotWidth / labels.count
        let barWidth = max(1, step - 2)
        var parts: [HTML] = []
        for (column, label) in labels.enumerated() {
            var base = 0
            let x = left + column * step + 1
            for (index, name) in series.enumerated() {
                let value = column < values.count && index < values[column].count ? values[column][index] : 0
                guard value > 0 else { continue }
                let y0 = top + plotHeight - base * plotHeight / maximum
                base += value
                let y1 = top + plotHeight - base * plotHeight / maximum
                parts.append("<rect x=\"\(x)\" y=\"\(y1)\" width=\"\(barWidth)\" height=\"\(max(1, y0 - y1))\" fill=\"\(colour(index))\"><title>\(label) \(name): \(value)</title></rect>")
            }
            if column % max(1, labels.count / 6) == 0 {
                parts.append("<text x=\"\(x)\" y=\"\(height - 10)\" font-size=\"10\">\(label)</text>")
            }
        }
        let axis: HTML = """
            <line x1="\(left)" y1="\(top + plotHeight)" x2="\(width - 8)" y2="\(top + plotHeight)" stroke="#667"/>\
            <text x="2" y="\(top + 4)" font-size="10">\(maximum)</text><text x="2" y="\(top + plotHeight)" font-size="10">0</text>
            """
        let legend: [HTML] = series.enumerated().map { index, name in
            "<rect x=\"\(left + index * 90)\" y=\"4\" width=\"10\" height=\"10\" fill=\"\(colour(index))\"/><text x=\"\(left + index * 90 + 14)\" y=\"13\" font-size=\"11\">\(name)</text>"
        }
        return """
            <svg class="chart" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" role="img" aria-label="\(title)">\
            <title>\(title)</title>\(axis)\(legend)\(parts)</svg>
            """
    }

    /// Horizontal bars of a share 0…1 per row, with its percentage and a note (the
    /// counts behind it); a row without a value (nothing to measure) says so.
    static func percentBars(title: String, rows: [(label: String, value: Double?, note: String)], emptyText: String,
                            width: Int = 520) -> HTML {
        let labelWidth = 90, rowHeight = 24, barMax = width - labelWidth - 150
        let height = max(1, rows.count) * rowHeight + 8
        var parts: [HTML] = []
        for (index, row) in rows.enumerated() {
            let y = 4 + index * rowHeight
            parts.append("<text x=\"0\" y=\"\(y + 15)\" font-size=\"12\">\(row.label)</text>")
            if let value = row.value {
                let clamped = min(1, max(0, value))
                let percent = Int((clamped * 100).rounded())
                let fill: HTML = clamped >= 0.9 ? "#1b7f3b" : clamped >= 0.75 ? "#e0a800" : "#b00020"
                parts.append("<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(max(1, Int(Double(barMax) * clamped)))\" height=\"16\" fill=\"\(fill)\"><title>\(row.label): \(percent)% \(row.note)</title></rect>")
                parts.append("<text x=\"\(labelWidth + barMax + 6)\" y=\"\(y + 15)\" font-size=\"12\">\(percent)% \(row.note)</text>")
            } else {
                parts.append("<text x=\"\(labelWidth)\" y=\"\(y + 15)\" font-size=\"12\" fill=\"#667\">\(emptyText)</text>")
            }
        }
        if rows.isEmpty { parts.append("<text x=\"0\" y=\"18\" font-size=\"12\" fill=\"#667\">\(emptyText)</text>") }
        return """
            <svg class="chart" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" role="img" aria-label="\(title)">\
            <title>\(title)</title>\(parts)</svg>
            """
    }
}
