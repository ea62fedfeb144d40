import Domain
import Testing
@testable import Server

/// `/problems` names what the replica stores in the user's language: a bounded field,
/// an entity or a problem kind without a name fails here, not on a Chinese page.
@Suite struct StoredNamesTests {
    @Test func everyBoundedFieldAndItsEntityHasANameInBothLanguages() {
        for (entity, field, _) in StoredBounds.fields {
            let names = Language.fieldNames["\(entity.name).\(field)"]
            #expect(names != nil, "no name for \(entity.name).\(field)")
            #expect(Language.entityNames[entity.name] != nil, "no name for entity \(entity.name)")
            if let names { #expect(names.0 != names.1 && !names.0.contains("_"), "\(entity.name).\(field): \(names)") }
        }
    }

    @Test func everyProblemKindTheAPIReportsHasAName() {
        let kinds = ["concurrent_assignees", "roster_rule", "swap_approval_after_close", "ticket_concurrent_assignees",
                     "ticket_ignored_transition", "ticket_duplicate_number", "asset_duplicate_tag", "asset_negative_stock",
                     "asset_scrapped_without_approval", "stored_value_out_of_bounds"]
        for kind in kinds {
            #expect(Language.zh.problemKindName(kind) != kind && Language.en.problemKindName(kind) != kind, "\(kind)")
        }
    }
}
