import Foundation
import Logging
import Replica
import Security
import Storage
import Testing
@testable import Node

/// The data directory is 0700 and each file in it 0600, also when an operator made the
/// directory earlier with `mkdir` (0755) and an older version left 0644 files in it.
@Suite struct DataDirectoryModeTests {
    static let logger = Logger(label: "modes-test")
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("modes-test-\(UUID())")

    func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func aPreExisting0755DirectoryAndItsFilesAreMadePrivate() throws {
        defer { do { try FileManager.default.removeItem(at: root) } catch { Issue.record("\(error)") } }
        let directory = DataDirectory(path: root.path)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let stale = directory.statusURL.path
        #expect(FileManager.default.createFile(atPath: stale, contents: Data("{}".utf8), attributes: [.posixPermissions: 0o644]))
        #expect(try mode(root.path) == 0o755)

        let identity = try directory.prepareIdentity(logger: Self.logger)
        let store = try directory.openReplica(identity: identity, schema: NodeSchema.current, keyRing: KeyRing(),
                                              clock: SystemClock(), logger: Self.logger)
        _ = try DutyLogLoad.write(into: store, campus: "MAIN", count: 3, text: { "note \($0)" })

        #expect(try mode(root.path) == 0o700)
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        #expect(names.contains("replica.sqlite") && names.contains("replica.sqlite-wal") && names.contains("status.json"), "\(names)")
        for name in names {
            #expect(try mode(root.appendingPathComponent(name).path) == 0o600, "\(name)")
        }
    }

    @Test func filesTheNodeWritesAreCreated0600WhateverTheUmask() throws {
        defer { do { try FileManager.default.removeItem(at: root) } catch { Issue.record("\(error)") } }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let previous = umask(0o022)
        defer { umask(previous) }
        let target = root.appendingPathComponent("metrics.prom")
        try DataDirectory.writePrivately(Data("a 1\n".utf8), to: target)
        #expect(try mode(target.path) == 0o600)
        // Replacing it keeps the mode and leaves no temporary file.
        try DataDirectory.writePrivately(Data("a 2\n".utf8), to: target)
        #expect(try mode(target.path) == 0o600)
        #expect(try String(contentsOf: target, encoding: .utf8) == "a 2\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["metrics.prom"])
    }
}
