import Domain
import HTTPTypes
import Hummingbird

/// Text from a request into domain values; anything unreadable is a 400 naming the field.
enum Parse {
    static func date(_ text: String, field: String) throws -> LocalDate {
        guard let date = LocalDate(iso: text) else { throw APIError.badRequest("bad_date", "\(field): expected YYYY-MM-DD, a real date") }
        return date
    }

    static func month(_ text: String, field: String = "month") throws -> LocalMonth {
        guard let month = LocalMonth(iso: text) else { throw APIError.badRequest("bad_month", "\(field): expected YYYY-MM") }
        return month
    }

    /// `YYYY-MM-DDTHH:MM`, China local time.
    static func moment(_ text: String, field: String) throws -> LocalDateTime {
        let parts = text.split(separator: "T", omittingEmptySubsequences: false)
        let clock = parts.count == 2 ? parts[1].split(separator: ":") : []
        guard parts.count == 2, let date = LocalDate(iso: parts[0]), clock.count == 2, let h = Int(clock[0]), let m = Int(clock[1]),
              (0..<24).contains(h), (0..<60).contains(m) else {
            throw APIError.badRequest("bad_time", "\(field): expected YYYY-MM-DDTHH:MM")
        }
        return LocalDateTime(date: date, minuteOfDay: h * 60 + m)
    }

    /// `HH:MM` as minutes of the day; `24:00` allowed as an end.
    static func clock(_ text: String, field: String) throws -> Int {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 24 * 60 else {
            throw APIError.badRequest("bad_time", "\(field): expected HH:MM")
        }
        return h * 60 + m
    }

    static func seat(_ text: String, field: String) throws -> (CampusCode, SlotKey) {
        do { return try SeatKey.parse(text) } catch { throw APIError.badRequest("bad_seat", "\(field): \(error)") }
    }

    /// Campus codes are A–Z and 0–9, 1…8 long (as in the membership roster).
    static func campus(_ text: String) throws -> CampusCode {
        guard (1...8).contains(text.utf8.count), text.utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) }) else {
            throw APIError.badRequest("bad_campus", "campus: expected a campus code such as EAST (A–Z, 0–9)")
        }
        return CampusCode(text)
    }

    static func query(_ request: Request, _ name: String) -> String? {
        request.uri.queryParameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A value of a string enum, or 400 `bad_value` listing the choices.
    static func choice<E: RawRepresentable & CaseIterable>(_ text: String, field: String) throws -> E where E.RawValue == String {
        guard let value = E(rawValue: text) else {
            throw APIError.badRequest("bad_value", "\(field): expected one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    /// A whole number in `range` from the query string, or the default; else 400.
    static func integer(_ request: Request, _ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = query(request, name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError.badRequest("bad_value", "\(name): expected a whole number \(range.lowerBound)…\(range.upperBound)")
        }
        return number
    }

    static func flag(_ request: Request, _ name: String) throws -> Bool? {
        guard let text = query(request, name) else { return nil }
        switch text {
        case "true", "1": return true
        case "false", "0": return false
        default: throw APIError.badRequest("bad_value", "\(name): expected true or false")
        }
    }
}
