import Foundation
import Testing
@testable import Server

/// Every refusal the server can answer has a Chinese sentence: the codes are read from
/// the server's sources, so a new code without one fails here, not on a Chinese page.
@Suite struct ErrorMessagesTests {
    static func codesInSources() throws -> Set<String> {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/Server")
        let pattern = try NSRegularExpression(pattern: #"(?:APIError\(\.[a-zA-Z]+, |badRequest\()"([a-z_]+)""#)
        var codes = Set<String>()
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "swift" else { continue }
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { codes.insert(String(text[range])) }
            }
        }
        return codes
    }

    @Test func everyCodeTheServerAnswersHasAChineseSentence() throws {
        let codes = try Self.codesInSources()
        #expect(codes.count > 50, "the scan found \(codes.count) codes: is the pattern still right?")
        let missing = codes.subtracting(Language.chineseErrorMessages.keys)
        #expect(missing.isEmpty, "no Chinese sentence for: \(missing.sorted())")
        for (code, sentence) in Language.chineseErrorMessages {
            #expect(!sentence.contains(where: { $0.isASCII && $0.isLetter }) || sentence.contains("UTF-8") || sentence.contains("CSV"),
                    "\(code): \(sentence)")
        }
    }

    @Test func aChinesePageShowsTheSentenceAndAnEnglishOneTheMessage() {
        let error = APIError(.conflict, "wrong_state", "ticket EAST-1 is resolved: it cannot be started")
        #expect(Language.zh.message(of: error) == Language.chineseErrorMessages["wrong_state"])
        #expect(Language.en.message(of: error) == error.message)
        let page = ErrorPage.render(error, lang: .zh).markup
        #expect(page.contains("该记录当前的状态不允许此操作") && !page.contains("cannot be started") && !page.contains("wrong_state"))
    }
}
