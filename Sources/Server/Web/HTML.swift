import HTTPTypes
import Hummingbird
import NIOCore
import Security

/// Markup safe to send: built only from literals, escaped text and other `HTML`.
/// Interpolating a `String` escapes it — the one place text from the replica becomes
/// markup — so a name like `<script>` shows as text. Raw markup can only come from a
/// literal in this module.
struct HTML: Sendable, ExpressibleByStringInterpolation {
    let markup: String

    init(stringLiteral value: String) { markup = value }
    init(stringInterpolation: Interpolation) { markup = stringInterpolation.output }

    struct Interpolation: StringInterpolationProtocol {
        var output = ""
        init(literalCapacity: Int, interpolationCount: Int) { output.reserveCapacity(literalCapacity + interpolationCount * 16) }
        mutating func appendLiteral(_ literal: String) { output += literal }
        mutating func appendInterpolation(_ text: String) { output += HTML.escape(text) }
        mutating func appendInterpolation(_ number: Int) { output += String(number) }
        mutating func appendInterpolation(_ html: HTML) { output += html.markup }
        mutating func appendInterpolation(_ parts: [HTML]) { for part in parts { output += part.markup } }
    }

    /// Escapes the five characters that can end text or an attribute value.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

enum HTMLResponse {
    /// A page with headers that keep it self-contained: nothing loads from elsewhere,
    /// scripts run only with this response's nonce, no framing, no MIME sniffing.
    static func make(_ page: HTML, status: HTTPResponse.Status = .ok, nonce: String = "") -> Response {
        let script = nonce.isEmpty ? "'none'" : "'nonce-\(nonce)'"
        return Response(status: status, headers: [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; script-src \(script); connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            .cacheControl: "no-store",
        ], body: .init(byteBuffer: ByteBuffer(string: page.markup)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
