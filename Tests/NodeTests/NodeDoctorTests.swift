import Foundation
import Security
import Testing
@testable import Node

/// `meshdesk doctor`'s checks on data directories set up wrong in the ways operators do.
@Suite struct NodeDoctorTests {
    func scratch() throws -> NodeConfig {
        var config = NodeConfig()
        config.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-\(UUID())").path
        return config
    }

    func problems(_ config: NodeConfig) -> [String] {
        NodeDoctor.check(config, nowMillis: 0).filter { $0.severity == .problem }.map { "\($0.check): \($0.detail)" }
    }

    @Test func aMissingDirectoryIsAProblemThatSaysToInit() throws {
        let config = try scratch()
        let findings = NodeDoctor.check(config, nowMillis: 0)
        #expect(findings.count == 1 && findings[0].severity == .problem && findings[0].action.hasPrefix("meshdesk init"))
    }

    @Test func openPermissionsAndHalfTheClusterFilesAreProblemsEachWithWhatToDo() throws {
        let config = try scratch()
        let url = URL(fileURLWithPath: config.dataDirectory)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        defer { do { try FileManager.default.removeItem(at: url) } catch { Issue.record("\(error)") } }
        let identity = SigningIdentity()
        try identity.save(to: config.path(config.identityKey))
        #expect(problems(config).contains { $0.hasPrefix("permissions: \(config.dataDirectory) is mode 755") })
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: config.dataDirectory)
        #expect(problems(config).isEmpty, "a fresh single node is healthy")
        // Only the network key was copied: the admin key and the roster are missing.
        try NetworkKey.generate().save(to: config.path(config.networkKey))
        let cluster = problems(config)
        #expect(cluster.count == 1 && cluster[0].contains("missing admin.pub, roster.signed"))
    }
}
