import ArgumentParser
import Domain
import Foundation
import Node
import Security

/// `meshdesk audit` — the audit trail (审计记录) of every node, oldest first: who
/// (`--as` person or web user), what, when, on which node, and how it came in (for CLI
/// writes the operating-system user). Read-only.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Show the audit trail: who did what, when, on which node, and how (CLI OS user or web user).")
    /// Longest tail `--last` accepts: the whole trail of a busy year fits, a typo does not flood the terminal.
    static let lastMax = 100_000

    @OptionGroup var data: DataDirectoryOption
    @Option(help: "Show only the newest N entries (1…\(AuditCommand.lastMax)).") var last: Int = 50
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard (1...Self.lastMax).contains(last) else { throw ValidationError("--last must be 1…\(Self.lastMax), got \(last)") }
    }

    func run() throws {
        let logger = makeLogger("meshdesk.audit")
        let directory = data.directory
        guard FileManager.default.fileExists(atPath: directory.replicaURL.path) else {
            throw ValidationError("no replica in \(directory.url.path): run `meshdesk init --data-dir \(data.path)` first")
        }
        let identity = try directory.prepareIdentity(logger: logger)
        let store = try directory.openReplica(identity: identity, schema: NodeSchema.current, keyRing: KeyRing(),
                                              clock: SystemClock(), logger: logger)
        let entries = Array(try AuditTrail.entries(store: store).suffix(last))
        if json { return print(try jsonString(entries)) }
        guard !entries.isEmpty else { return print("no audit entries in \(directory.url.path)") }
        for e in entries {
            print("\(e.time)\t\(e.actor)\t\(e.action)\t\(e.subject)\tnode \(e.node)\t\(e.via ?? "-")")
        }
    }
}
