import Foundation

/// `scripts/notifications/smtp-sink.py` started by a test on 127.0.0.1 (a port the OS
/// picks), writing what it receives to a fresh directory; stopped by `stop()`.
final class SMTPSink: @unchecked Sendable {
    let port: Int
    let directory: URL
    private let process: Process

    /// Starts the sink and waits for its port without blocking a thread of the test's
    /// concurrency pool (several tests start sinks at once on a two-core machine).
    static func start(mode: String = "ok") async throws -> SMTPSink {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("meshdesk-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/notifications/smtp-sink.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script.path, directory.path, "--mode", mode]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        for _ in 0..<1_000 {
            if let text = try? String(contentsOf: directory.appendingPathComponent("port"), encoding: .utf8), let port = Int(text) {
                return SMTPSink(port: port, directory: directory, process: process)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        kill(process.processIdentifier, SIGKILL)
        throw TestFailure("smtp sink did not start within 20 s")
    }

    private init(port: Int, directory: URL, process: Process) {
        self.port = port
        self.directory = directory
        self.process = process
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
        try? FileManager.default.removeItem(at: directory)
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
