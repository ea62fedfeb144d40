import CQREncode

/// 资产标签 — the QR code of an asset tag, encoded by libqrencode (Debian's, through the
/// `CQREncode` system library) and drawn as SVG. Nothing above this file imports the C
/// module.
public enum AssetLabel {
    /// Blank modules around the symbol, as the QR specification requires.
    public static let quietZoneModules = 4
    /// Longest text put in a label.
    public static let textBytesMax = 256

    public enum LabelError: Error, Hashable, Sendable, CustomStringConvertible {
        case tooLong(Int)
        case encoderFailed(String)

        public var description: String {
            switch self {
            case .tooLong(let n): "label text of \(n) bytes is longer than \(AssetLabel.textBytesMax)"
            case .encoderFailed(let text): "libqrencode could not encode \"\(text)\""
            }
        }
    }

    /// The dark modules, row by row, of the QR symbol for `text` (error correction M,
    /// 8-bit mode so Chinese text is carried as UTF-8).
    public static func modules(_ text: String) throws(LabelError) -> [[Bool]] {
        let bytes = Array(text.utf8)
        guard bytes.count <= textBytesMax else { throw .tooLong(bytes.count) }
        guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else { throw .encoderFailed(text) }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        precondition(width >= 21 && width <= 177, "QR width \(width) outside the specification")
        let data = code.pointee.data!
        return (0..<width).map { y in (0..<width).map { x in data[y * width + x] & 1 == 1 } }
    }

    /// An SVG of the symbol with the tag printed underneath; `moduleSize` in pixels.
    public static func svg(tag: String, caption: String = "", moduleSize: Int = 4) throws(LabelError) -> String {
        let grid = try modules(tag)
        let side = (grid.count + 2 * quietZoneModules) * moduleSize
        let textHeight = 3 * moduleSize + 12
        var path = ""
        for (y, row) in grid.enumerated() {
            for (x, dark) in row.enumerated() where dark {
                path += "M\((x + quietZoneModules) * moduleSize),\((y + quietZoneModules) * moduleSize)h\(moduleSize)v\(moduleSize)h-\(moduleSize)z"
            }
        }
        let label = escape(caption.isEmpty ? tag : "\(tag) \(caption)")
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(side)" height="\(side + textHeight)" viewBox="0 0 \(side) \(side + textHeight)">
            <rect width="100%" height="100%" fill="#fff"/>
            <path fill="#000" d="\(path)"/>
            <text x="\(side / 2)" y="\(side + textHeight / 2)" font-family="sans-serif" font-size="12" text-anchor="middle">\(label)</text>
            </svg>

            """
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
