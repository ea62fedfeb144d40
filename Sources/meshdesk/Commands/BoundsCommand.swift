import ArgumentParser
import Domain

/// `meshdesk bounds` — stored values outside their field's bound (`StoredBounds`), as a
/// faulty or hostile peer may have replicated them; the problems page lists the same.
struct BoundsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bounds", abstract: "List stored values outside their field's bounds (越界数值), entity by entity.")
    @OptionGroup var options: QueryOptions

    func run() throws {
        let d = try options.department()
        let found = try refusing { try d.outOfBoundsValues() }
        try options.emit(found) { found.isEmpty ? "无越界数值" : found.map(\.description).joined(separator: "\n") }
    }
}
