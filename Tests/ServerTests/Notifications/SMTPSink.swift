import Foundation

/// `scripts/notifications/smtp-sink.py` started by a test on 127.0.0.1 (a port the OS
/// picks), writing what it receives to a fresh directory; stopped by `stop()`.
final class SMTPSink: @unchecked Sendable {
    let port: Int
    let directory: URL
    private let process: Process

    init(mode: String = "ok") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("meshdesk-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/notifications/smtp-sink.py")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script.path, directory.path, "--mode", mode]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let line = String(decoding: out.fileHandleForReading.availableLine(), as: UTF8.self)
        guard line.hasPrefix("PORT "), let port = Int(line.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            throw TestFailure("smtp sink did not start: \(line)")
        }
        self.port = port
    }

    /// Messages received so far, in order.
    func messages() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".eml") }.sorted { Int($0.dropLast(4)) ?? 0 < Int($1.dropLast(4)) ?? 0 }
            .compactMap { try? String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }
    }

    func stop() {
        // SIGKILL: a signal mask inherited from the test runner may block SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}

extension FileHandle {
    /// Bytes up to the first newline (blocking).
    func availableLine() -> [UInt8] {
        var bytes: [UInt8] = []
        while true {
            let data = readData(ofLength: 1)
            guard let byte = data.first, byte != UInt8(ascii: "\n") else { return bytes }
            bytes.append(byte)
        }
    }
}

/// The body of a base64 text/plain mail as the sink stored it.
func decodedBody(_ message: String) -> String {
    let parts = message.components(separatedBy: "\r\n\r\n")
    let base64 = parts.dropFirst().joined().replacingOccurrences(of: "\r\n", with: "")
    return Data(base64Encoded: base64).map { String(decoding: $0, as: UTF8.self) } ?? ""
}

/// A header's value, RFC 2047 words decoded.
func header(_ name: String, in message: String) -> String? {
    let head = message.components(separatedBy: "\r\n\r\n").first ?? ""
    var lines: [String] = []
    for line in head.components(separatedBy: "\r\n") {
        if line.hasPrefix(" "), !lines.isEmpty { lines[lines.count - 1] += line } else { lines.append(line) }
    }
    guard let line = lines.first(where: { $0.lowercased().hasPrefix(name.lowercased() + ":") }) else { return nil }
    let value = line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
    var decoded = ""
    var rest = Substring(value)
    while let start = rest.range(of: "=?UTF-8?B?") {
        decoded += rest[..<start.lowerBound].trimmingCharacters(in: .whitespaces)
        let after = rest[start.upperBound...]
        guard let end = after.range(of: "?=") else { break }
        decoded += Data(base64Encoded: String(after[..<end.lowerBound])).map { String(decoding: $0, as: UTF8.self) } ?? ""
        rest = after[end.upperBound...]
    }
    return decoded + rest
}
