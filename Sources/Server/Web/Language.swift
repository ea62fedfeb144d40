import HTTPTypes
import Hummingbird

/// 界面语言 — Simplified Chinese by default; English by `?lang=en` (remembered in the
/// `lang` cookie) or the cookie alone.
enum Language: String, Sendable {
    case zh
    case en

    static let cookieName = "lang"

    static func of(_ request: Request) -> Language {
        if let asked = request.uri.queryParameters.get("lang").flatMap(Language.init(rawValue:)) { return asked }
        return request.cookies[cookieName].flatMap { Language(rawValue: $0.value) } ?? .zh
    }

    /// Whether the request chose a language that should be remembered.
    static func chosen(_ request: Request) -> Language? {
        request.uri.queryParameters.get("lang").flatMap(Language.init(rawValue:))
    }

    func pick(_ zh: String, _ en: String) -> String { self == .zh ? zh : en }

    var htmlLang: String { self == .zh ? "zh-CN" : "en" }
}
