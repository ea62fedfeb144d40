import Foundation

/// A strict RFC 4180 reader and writer: comma-separated fields, records ended by CRLF
/// or LF, fields in double quotes may hold commas, quotes (doubled) and line breaks;
/// a UTF-8 byte order mark (Excel's) is skipped. Anything else is an error naming the
/// line, never a guess — a half-understood spreadsheet must not become half an import.
public struct CSVTable: Hashable, Sendable {
    /// One record and the line of the file it starts on (1-based, counting the header).
    public struct Record: Hashable, Sendable {
        public let line: Int
        public let fields: [String]
    }

    public let records: [Record]

    /// Largest file read: rows beyond it are refused, not truncated.
    public static let csvRowsMax = 5_001
    /// Longest field, in characters.
    public static let fieldCharactersMax = 10_000

    public enum ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        case unterminatedQuote(line: Int)
        case quoteInsideUnquotedField(line: Int)
        case textAfterClosingQuote(line: Int)
        case fieldTooLong(line: Int)
        case tooManyRows(max: Int)

        public var description: String {
            switch self {
            case .unterminatedQuote(let l): "line \(l): a quoted field is never closed"
            case .quoteInsideUnquotedField(let l): "line \(l): a double quote inside an unquoted field (quote the field and double the quote)"
            case .textAfterClosingQuote(let l): "line \(l): text after a closing quote"
            case .fieldTooLong(let l): "line \(l): a field longer than \(CSVTable.fieldCharactersMax) characters"
            case .tooManyRows(let max): "more than \(max) rows: split the file"
            }
        }
    }

    public static func parse(_ text: String) throws(ParseError) -> CSVTable {
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var records: [Record] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var recordLine = 1
        var quoted = false, inQuotes = false, afterQuote = false, fieldStarted = false
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = iterator.next()

        func endField() throws(ParseError) {
            guard field.count <= fieldCharactersMax else { throw .fieldTooLong(line: recordLine) }
            fields.append(String(field))
            field = String.UnicodeScalarView()
            quoted = false; afterQuote = false; fieldStarted = false
        }
        func endRecord() throws(ParseError) {
            try endField()
            // A blank line (one empty unquoted field) is skipped, as spreadsheets leave them.
            if !(fields.count == 1 && fields[0].isEmpty) {
                guard records.count < csvRowsMax else { throw .tooManyRows(max: csvRowsMax) }
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []
        }

        while let c = pending {
            pending = iterator.next()
            if inQuotes {
                if c == "\"" {
                    if pending == "\"" { field.append("\""); pending = iterator.next() } else { inQuotes = false; afterQuote = true }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case ",":
                try endField()
            case "\r" where pending == "\n":
                continue
            case "\n", "\r":
                try endRecord()
                line += 1
                recordLine = line
            case "\"":
                guard !fieldStarted else { throw afterQuote ? .textAfterClosingQuote(line: line) : .quoteInsideUnquotedField(line: line) }
                quoted = true; inQuotes = true; fieldStarted = true
            default:
                if afterQuote { throw .textAfterClosingQuote(line: line) }
                field.append(c); fieldStarted = true
            }
        }
        if inQuotes { throw .unterminatedQuote(line: recordLine) }
        if fieldStarted || quoted || !fields.isEmpty { try endRecord() }
        return CSVTable(records: records)
    }

    /// One field quoted when it needs to be.
    public static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A cell starting with one of these is a formula to a spreadsheet (CSV injection).
    public static let formulaLeads: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// OWASP's defence against CSV injection: a cell a spreadsheet would evaluate gets a
    /// leading single quote, which makes it text. Asset names come from any engineer and
    /// from peers; the export is opened in Excel by someone else.
    public static func neutralise(_ field: String) -> String {
        guard let first = field.first, formulaLeads.contains(first) else { return field }
        return "'" + field
    }

    /// The inverse of `neutralise` for import, so an export imports back as it was.
    public static func unneutralise(_ field: String) -> String {
        guard field.count >= 2, field.first == "'", let second = field.dropFirst().first, formulaLeads.contains(second) else { return field }
        return String(field.dropFirst())
    }

    /// Rows as RFC 4180 text with CRLF line ends, each cell neutralised, then quoted.
    public static func write(_ rows: [[String]]) -> String {
        rows.map { $0.map { escape(neutralise($0)) }.joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }
}
