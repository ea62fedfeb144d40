import ArgumentParser
import Foundation
import Node

/// `meshdesk doctor` — checks a data directory and its node as an operator would and
/// prints what to do for each finding; exit 1 if any is a problem.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check a data directory and its node: permissions, cluster files and roster, the running node's peers, disk space.")
    @Option(help: "Config file (TOML).") var config: String?
    @Option(name: .customLong("data-dir"), help: "The node's data directory.") var dataDir: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let nodeConfig = try resolveConfig(config: config, dataDir: dataDir)
        let findings = NodeDoctor.check(nodeConfig, nowMillis: SystemClock().nowMillis())
        if json {
            print(try jsonString(findings))
        } else {
            for f in findings {
                print("\(f.severity.rawValue.uppercased())\t\(f.check): \(f.detail)" + (f.action.isEmpty ? "" : "\n\t→ \(f.action)"))
            }
            let problems = findings.filter { $0.severity == .problem }.count
            let warnings = findings.filter { $0.severity == .warning }.count
            print("doctor: \(problems) problems, \(warnings) warnings")
        }
        if findings.contains(where: { $0.severity == .problem }) { throw ExitCode(1) }
    }
}
