import Foundation

/// 购置金额与折旧 — money of an asset in fen (分), exact; the straight-line book value
/// the inventory shows beside it.
public enum AssetCost {
    /// `"4999"`, `"4,999.5"`, `"¥4999.00"`, `"4999元"` → 499 900 fen; nil for anything
    /// else, a negative amount, more than two decimals or more than `purchaseCostFenMax`.
    public static func fen(yuan text: String) -> Int? {
        var t = text.trimmingCharacters(in: .whitespaces)
        for mark in ["¥", "￥", "RMB", "CNY"] where t.hasPrefix(mark) { t.removeFirst(mark.count) }
        if t.hasSuffix("元") { t.removeLast() }
        t = t.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "，", with: "").trimmingCharacters(in: .whitespaces)
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 11,
              parts[0].allSatisfy(\.isASCII), parts[0].allSatisfy(\.isNumber), let whole = Int(parts[0]) else { return nil }
        var cents = 0
        if parts.count == 2 {
            let decimals = parts[1]
            guard (1...2).contains(decimals.count), decimals.allSatisfy(\.isASCII), decimals.allSatisfy(\.isNumber),
                  let d = Int(decimals) else { return nil }
            cents = decimals.count == 1 ? d * 10 : d
        }
        let (product, overflow) = whole.multipliedReportingOverflow(by: 100)
        guard !overflow else { return nil }
        let fen = product + cents
        return fen <= Asset.purchaseCostFenMax ? fen : nil
    }

    /// 499 900 → `"4999.00"` (what a sheet and `fen(yuan:)` read back).
    public static func yuan(_ fen: Int) -> String {
        let cents = abs(fen) % 100
        return "\(fen < 0 ? "-" : "")\(abs(fen) / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// 折旧年限 — default useful life in years of a type that depreciates: computers,
    /// servers, printers and network equipment alike; licences and consumables are not
    /// depreciated here (nil).
    public static func usefulLifeYears(_ type: AssetType) -> Int? {
        switch type {
        case .server, .pc, .printer, .network, .medicalInterface: 6
        case .software, .consumable: nil
        }
    }

    /// 账面净值 — straight line over the useful life, by whole months since purchase, no
    /// residual value; nil without a cost, a purchase date or a depreciating type. A
    /// purchase date after `today` (a typo, or another node's clock) counts as new.
    public static func bookValueFen(_ record: AssetRecord, today: LocalDate) -> Int? {
        guard let cost = record.purchaseCostFen, let bought = record.purchasedOn,
              let years = usefulLifeYears(record.type) else { return nil }
        let lifeMonths = years * 12
        let months = (today.year - bought.year) * 12 + (today.month - bought.month) - (today.day < bought.day ? 1 : 0)
        let used = min(max(months, 0), lifeMonths)
        return cost - cost * used / lifeMonths
    }
}
