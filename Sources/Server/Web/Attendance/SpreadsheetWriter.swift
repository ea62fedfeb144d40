import Foundation
import ZIPFoundation

/// A one-sheet Excel workbook (.xlsx) — the smallest SpreadsheetML package Excel and
/// LibreOffice open without a repair prompt:
///
///     [Content_Types].xml            the parts and their content types
///     _rels/.rels                    → xl/workbook.xml
///     xl/workbook.xml                one sheet, named `sheetName`
///     xl/_rels/workbook.xml.rels     → worksheets/sheet1.xml, styles.xml
///     xl/styles.xml                  the default style and a bold one (the header row)
///     xl/worksheets/sheet1.xml       the rows: text as inline strings (`t="inlineStr"`),
///                                    whole numbers as numbers (`<v>`), the first row bold
///                                    and frozen
///
/// No shared-strings table, no formulas, no dates (a date goes in as text), no column
/// widths. An inline string is never evaluated, so a cell starting with `=` stays text:
/// no formula neutralisation is needed here, unlike in a CSV. Characters XML 1.0 cannot
/// carry (control characters but tab, line feed, carriage return) are dropped: text
/// from the replica must not make the file unreadable.
struct SpreadsheetWriter {
    enum Cell: Hashable, Sendable {
        case text(String)
        case number(Int)
    }

    /// Rows and columns a sheet takes at most: a month sheet has one row per person
    /// (`AttendanceSheet.peopleMax`) and a few dozen columns. More is a programmer error.
    static let rowsMax = 10_000
    static let columnsMax = 200
    /// Excel's own limit on the characters of a cell; longer text is cut.
    static let cellCharactersMax = 32_767
    /// Excel's limit on a sheet's name.
    static let sheetNameCharactersMax = 31

    let sheetName: String
    let rows: [[Cell]]

    init(sheetName: String, rows: [[Cell]]) {
        precondition(rows.count <= Self.rowsMax, "sheet of \(rows.count) rows is beyond rowsMax")
        precondition(rows.allSatisfy { $0.count <= Self.columnsMax }, "a row is beyond columnsMax")
        let forbidden = Set("[]:*?/\\")
        let cleaned = String(Self.xmlSafe(sheetName).filter { !forbidden.contains($0) }.prefix(Self.sheetNameCharactersMax))
        self.sheetName = cleaned.isEmpty ? "Sheet1" : cleaned
        self.rows = rows
    }

    /// The .xlsx file's bytes. `modified` is the date stamped on the zip entries.
    func data(modified: Date) throws -> Data {
        let archive = try Archive(accessMode: .create)
        for (path, text) in parts {
            let bytes = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: modified,
                                 compressionMethod: .deflate) { position, size in
                bytes.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw SpreadsheetWriterError.noData }
        return data
    }

    /// The package's parts, path → XML text.
    var parts: [(String, String)] {
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        let packageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships"
        let head = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        return [
            ("[Content_Types].xml", head + """
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
                <Default Extension="xml" ContentType="application/xml"/>\
                <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
                <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
                <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
                </Types>
                """),
            ("_rels/.rels", head + """
                <Relationships xmlns="\(packageRelationships)">\
                <Relationship Id="rId1" Type="\(relationships)/officeDocument" Target="xl/workbook.xml"/></Relationships>
                """),
            ("xl/workbook.xml", head + """
                <workbook xmlns="\(main)" xmlns:r="\(relationships)"><sheets>\
                <sheet name="\(Self.escape(sheetName))" sheetId="1" r:id="rId1"/></sheets></workbook>
                """),
            ("xl/_rels/workbook.xml.rels", head + """
                <Relationships xmlns="\(packageRelationships)">\
                <Relationship Id="rId1" Type="\(relationships)/worksheet" Target="worksheets/sheet1.xml"/>\
                <Relationship Id="rId2" Type="\(relationships)/styles" Target="styles.xml"/></Relationships>
                """),
            ("xl/styles.xml", head + """
                <styleSheet xmlns="\(main)">\
                <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
                <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
                <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
                <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
                <cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
                <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
                <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
                """),
            ("xl/worksheets/sheet1.xml", head + worksheet(main: main)),
        ]
    }

    private func worksheet(main: String) -> String {
        var xml = "<worksheet xmlns=\"\(main)\">"
        if !rows.isEmpty {
            xml += #"<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>"#
        }
        xml += "<sheetData>"
        for (r, row) in rows.enumerated() {
            xml += "<row r=\"\(r + 1)\">"
            let style = r == 0 ? " s=\"1\"" : ""
            for (c, cell) in row.enumerated() {
                let ref = "\(Self.columnName(c))\(r + 1)"
                switch cell {
                case .number(let n): xml += "<c r=\"\(ref)\"\(style)><v>\(n)</v></c>"
                case .text(let text):
                    let cut = String(Self.xmlSafe(text).prefix(Self.cellCharactersMax))
                    xml += "<c r=\"\(ref)\"\(style) t=\"inlineStr\"><is><t xml:space=\"preserve\">\(Self.escape(cut))</t></is></c>"
                }
            }
            xml += "</row>"
        }
        return xml + "</sheetData></worksheet>"
    }

    /// `A`, `B`, … `Z`, `AA`, … for a zero-based column index.
    static func columnName(_ index: Int) -> String {
        precondition(index >= 0)
        var n = index + 1
        var name = ""
        while n > 0 {
            let digit = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + digit))) + name
            n = (n - 1) / 26
        }
        return name
    }

    /// Drops what XML 1.0 forbids: control characters other than tab, LF and CR, and U+FFFE/U+FFFF.
    static func xmlSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { scalar in
            switch scalar.value {
            case 0x9, 0xA, 0xD: true
            case 0..<0x20, 0xFFFE, 0xFFFF: false
            default: true
            }
        }))
    }

    /// XML's escapes are HTML's (`&#39;` for an apostrophe is XML too).
    static func escape(_ text: String) -> String { HTML.escape(text) }
}

enum SpreadsheetWriterError: Error {
    /// The in-memory archive gave no bytes back (ZIPFoundation's memory file failed).
    case noData
}
