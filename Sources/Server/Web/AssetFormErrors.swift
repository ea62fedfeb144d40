import Domain

/// Why an asset form was refused, in the user's language: the domain's asset refusals
/// by case, with the figures that explain them (the tag's campus, the stock on hand);
/// anything else as the other forms say it (`refusal(_:)`).
extension Language {
    func assetRefusal(_ error: any Error, asset: Asset?) -> String {
        guard let domain = error as? DomainError else { return refusal(error) }
        switch domain {
        case let .duplicateAssetTag(tag, campus):
            return pick("资产编号 \(tag) 已在院区 \(campus.rawValue) 登记，请换一个编号。", "Asset tag \(tag) is already registered at \(campus.rawValue): choose another.")
        case .ambiguousAssetTag(let tag, let campuses):
            return pick("资产编号 \(tag) 在 \(campuses.map(\.rawValue).joined(separator: "、")) 重复，请先在“待处理”中改编号。",
                        "Tag \(tag) is held at \(campuses.map(\.rawValue).joined(separator: ", ")): retag one first (To resolve).")
        case .unknownAsset(let tag):
            return pick("找不到资产 \(tag)。", "No asset \(tag).")
        case .unknownPerson(let id), .inactivePerson(let id):
            return pick("使用人 \(id.rawValue) 不在在职人员名录中。", "\(id.rawValue) is not active staff.")
        case .unknownTicket(let number):
            return pick("找不到工单 \(number)。", "No ticket \(number).")
        case .unknownCampus(let campus):
            return pick("找不到院区 \(campus.rawValue)。", "No campus \(campus.rawValue).")
        case .wrongState(_, let state, _) where state == AssetState.scrapped.rawValue:
            return pick("该资产已报废，不能再巡检、调拨、维护或申请报废。", "This asset is scrapped: it is no longer inspected, moved or maintained.")
        case .wrongState(_, let state, let action) where state == AssetState.underRepair.rawValue && action == "transfer":
            return pick("维修中的资产不能调拨到其他院区：请先登记维修完成。", "An asset under repair is not sent to another campus: record it back from repair first.")
        case .alreadyExists:
            return pick("该资产已有待审批的报废申请。", "A scrap request for this asset is already waiting.")
        case .missing(let field):
            return pick("请填写\(self.field(field))。", "Please fill in \(self.field(field)).")
        case .invalid(let field, _):
            switch field {
            case "stock":
                if let asset, asset.record.type != .consumable {
                    return pick("只有耗材记库存。", "Only consumables keep a stock count.")
                }
                let held = asset.map { "\($0.record.stock) \($0.record.unit)" } ?? ""
                return pick("库存不能低于 0，也不能超过 \(Asset.stockMax)\(held.isEmpty ? "" : "（现有 \(held)）")，未保存。",
                            "Stock stays within 0…\(Asset.stockMax)\(held.isEmpty ? "" : " (\(held) on hand)"): nothing saved.")
            case "asset tag":
                return pick("资产编号须为 1–\(Department.assetTagMax) 个字符，不含“@”，首尾不能有空格。",
                            "An asset tag is 1–\(Department.assetTagMax) characters, without '@' or surrounding spaces.")
            case "state":
                return pick("资产只能经审批报废：请提交报废申请。", "An asset is scrapped only through an approved scrap request.")
            case "return date":
                return pick("预计归还日期不能早于今天。", "The expected return cannot be before today.")
            case "inspection days":
                return pick("巡检周期须在 1 到 \(Asset.inspectionDaysMax) 天之间。", "The inspection period is 1 to \(Asset.inspectionDaysMax) days.")
            case "purchase cost":
                return pick("购置金额须在 0 到 \(AssetCost.yuan(Asset.purchaseCostFenMax)) 元之间。",
                            "The cost is 0 to \(AssetCost.yuan(Asset.purchaseCostFenMax)) yuan.")
            case "notes":
                return pick("备注最多 \(Asset.notesCharactersMax) 个字。", "Notes are at most \(Asset.notesCharactersMax) characters.")
            case "warranty":
                return pick("保修截止日期不能早于购置日期。", "The warranty cannot end before the purchase date.")
            case "details":
                return pick("资料没有变化，未保存。", "Nothing differs from what is recorded; nothing saved.")
            case "campus":
                return pick("该资产已在这个院区。", "The asset is already at that campus.")
            default:
                return refusal(error)
            }
        default:
            return refusal(error)
        }
    }
}
