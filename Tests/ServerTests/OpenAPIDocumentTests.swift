import Foundation
import Testing
@testable import Server

/// docs/openapi.yaml and the router agree: every route is documented, every
/// documented operation exists.
@Suite struct OpenAPIDocumentTests {
    /// `METHOD /path` for each operation under `paths:` (two-space path keys, four-space methods).
    static func documentedOperations() throws -> Set<String> {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/openapi.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        var operations: Set<String> = []
        var inPaths = false
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("paths:") { inPaths = true; continue }
            if inPaths, let first = line.first, first != " " { inPaths = false }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let path {
                let key = line.dropFirst(4).prefix { $0 != ":" }
                if ["get", "post", "put", "delete", "patch"].contains(String(key)) { operations.insert("\(key.uppercased()) \(path)") }
            }
        }
        return operations
    }

    @Test func everyRouteIsInTheDocumentAndViceVersa() throws {
        let fixture = try ServerFixture()
        let routes = Set(try fixture.router().routes.map { "\($0.method) \($0.path)" })
        let documented = try Self.documentedOperations()
        #expect(!documented.isEmpty)
        #expect(routes.subtracting(documented).sorted() == [], "routes missing from docs/openapi.yaml")
        #expect(documented.subtracting(routes).sorted() == [], "documented operations the router lacks")
    }
}
