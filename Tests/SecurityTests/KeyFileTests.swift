import Foundation
import Testing
@testable import Security

/// A fresh directory per test, removed afterwards.
struct TemporaryDirectory: ~Copyable {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "meshdesk-keys-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { path + "/" + name }
}

@Suite struct KeyFileTests {
    @Test func anIdentitySavedToAFileLoadsBackWithMode0600() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("node.key")
        let identity = try SigningIdentity(seed: [UInt8](repeating: 7, count: 32))
        try identity.save(to: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let loaded = try SigningIdentity.load(from: path)
        #expect(loaded.publicKey == identity.publicKey)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("meshdesk-identity-v1\n"))
    }

    @Test func aNetworkKeyRoundTripsAndTwoGeneratedKeysDiffer() throws {
        let dir = try TemporaryDirectory()
        let key = NetworkKey.generate()
        try key.save(to: dir.file("network.key"))
        let loaded = try NetworkKey.load(from: dir.file("network.key"))
        #expect(loaded.secret.constantTimeEquals(key.secret))
        #expect(!NetworkKey.generate().secret.constantTimeEquals(key.secret))
    }

    @Test func savingOverAnExistingFileIsRefusedUnlessAskedFor() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("node.key")
        try SigningIdentity().save(to: path)
        #expect(throws: SecurityError.keyFileExists(path: path)) { try SigningIdentity().save(to: path) }
        let replacement = SigningIdentity()
        try replacement.save(to: path, overwrite: true)
        #expect(try SigningIdentity.load(from: path).publicKey == replacement.publicKey)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(leftovers == ["node.key"])
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660, 0o610])
    func aKeyFileGroupOrOthersCanAccessIsRefused(mode: Int) throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("node.key")
        try SigningIdentity().save(to: path)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        #expect {
            try SigningIdentity.load(from: path)
        } throws: { error in
            guard case let .insecureKeyFile(_, reason) = error as? SecurityError else { return false }
            return reason.contains("chmod 600")
        }
    }

    @Test func aNetworkKeyFileIsNotLoadedAsAnIdentity() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("network.key")
        try NetworkKey.generate().save(to: path)
        #expect(throws: SecurityError.self) { try SigningIdentity.load(from: path) }
        #expect(throws: SecurityError.self) { try SigningIdentity.load(from: path, kind: .adminIdentity) }
    }

    @Test(arguments: [
        "",
        "meshdesk-identity-v1\n",
        "meshdesk-identity-v1\n" + String(repeating: "ab", count: 31) + "\n",
        "meshdesk-identity-v1\n" + String(repeating: "ab", count: 32),
        "meshdesk-identity-v1\n" + String(repeating: "ab", count: 32) + "\n\n",
        "meshdesk-identity-v1\n" + String(repeating: "zz", count: 32) + "\n",
        "meshdesk-identity-v2\n" + String(repeating: "ab", count: 32) + "\n",
        "meshdesk-identity-v1 " + String(repeating: "ab", count: 32) + "\n",
        String(repeating: "x", count: 4096),
    ])
    func aMalformedKeyFileGivesATypedError(contents: String) throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("node.key")
        _ = FileManager.default.createFile(atPath: path, contents: Data(contents.utf8), attributes: [.posixPermissions: 0o600])
        #expect {
            try SigningIdentity.load(from: path)
        } throws: { error in
            guard case .invalidKeyFile = error as? SecurityError else { return false }
            return true
        }
    }

    @Test func aWellFormedHandWrittenFileLoads() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("node.key")
        let contents = "meshdesk-identity-v1\n" + String(repeating: "09", count: 32) + "\n"
        _ = FileManager.default.createFile(atPath: path, contents: Data(contents.utf8), attributes: [.posixPermissions: 0o600])
        let expected = try SigningIdentity(seed: [UInt8](repeating: 9, count: 32))
        #expect(try SigningIdentity.load(from: path).publicKey == expected.publicKey)
    }

    @Test func aMissingFileOrASymlinkIsAnIOError() throws {
        let dir = try TemporaryDirectory()
        #expect(throws: SecurityError.self) { try SigningIdentity.load(from: dir.file("absent.key")) }
        try SigningIdentity().save(to: dir.file("real.key"))
        try FileManager.default.createSymbolicLink(atPath: dir.file("link.key"), withDestinationPath: dir.file("real.key"))
        #expect {
            try SigningIdentity.load(from: dir.file("link.key"))
        } throws: { error in
            guard case .keyFileIO(_, "open", _) = error as? SecurityError else { return false }
            return true
        }
    }
}
