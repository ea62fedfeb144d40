import Domain
import Foundation

/// 邮件 — one plain-text message in UTF-8, as SMTP carries it (RFC 5322 headers with
/// RFC 2047 encoded words, a base64 body). Building it refuses a subject or name with a
/// line break: that is how a header is injected.
public struct SMTPMail: Sendable, Hashable {
    public let from: String
    public let fromName: String
    public let to: String
    public let toName: String
    public let subject: String
    public let body: String
    /// The idempotency key(s), as `X-MeshDesk-Key`: a duplicate across a partition carries the same one.
    public let keys: [String]

    public static let subjectCharactersMax = 200
    public static let bodyBytesMax = 64 * 1024

    public enum Refusal: Error, Hashable, CustomStringConvertible {
        case headerInjection(field: String)
        case badAddress(String)
        case tooLong(field: String)

        public var description: String {
            switch self {
            case .headerInjection(let field): "the \(field) holds a line break or control character (header injection refused)"
            case .badAddress(let problem): problem
            case .tooLong(let field): "the \(field) is too long"
            }
        }
    }

    public init(from: String, fromName: String, to: String, toName: String, subject: String, body: String, keys: [String]) throws(Refusal) {
        for (field, text) in [("sender name", fromName), ("recipient name", toName), ("subject", subject)] + keys.map({ ("key", $0) }) {
            if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
                throw .headerInjection(field: field)
            }
        }
        for address in [from, to] {
            if let problem = NotificationSettings.emailProblem(address) { throw .badAddress(problem) }
        }
        guard subject.count <= Self.subjectCharactersMax else { throw .tooLong(field: "subject") }
        guard body.utf8.count <= Self.bodyBytesMax else { throw .tooLong(field: "body") }
        self.from = from
        self.fromName = fromName
        self.to = to
        self.toName = toName
        self.subject = subject
        self.body = body
        self.keys = keys
    }

    /// The DATA section, CRLF line ends, dot-stuffing not needed (base64 lines never start with a dot).
    public func data(date: Date, messageID: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        var lines = [
            "From: \(Self.encodedWord(fromName)) <\(from)>",
            "To: \(Self.encodedWord(toName)) <\(to)>",
            "Subject: \(Self.encodedWord(subject))",
            "Date: \(formatter.string(from: date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
        ]
        lines += keys.prefix(Outbox.digestItemsMax).map { "X-MeshDesk-Key: \($0)" }
        lines.append("")
        let encoded = Data(body.utf8).base64EncodedString()
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let next = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<next]))
            index = next
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// `=?UTF-8?B?…?=` for anything beyond plain ASCII words, so Chinese names and subjects
    /// arrive intact. Long text is split into several encoded words (75 characters each at most).
    static func encodedWord(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F && !"=?\"".unicodeScalars.contains($0) }) { return text }
        var words: [String] = []
        var chunk = ""
        for character in text {
            if (chunk + String(character)).utf8.count > 45 { words.append(chunk); chunk = "" }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }
}
