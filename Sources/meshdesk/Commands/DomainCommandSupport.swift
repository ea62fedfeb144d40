import ArgumentParser
import Domain
import Foundation
import Node
import Security

/// What every domain command's options give: the data directory, `--json`, the
/// department over the replica and printing.
protocol ReplicaCommandOptions {
    var data: DataDirectoryOption { get }
    var json: Bool { get }
}

extension ReplicaCommandOptions {
    func department() throws -> Department {
        let logger = makeLogger("meshdesk.domain")
        let directory = data.directory
        let identity = try directory.prepareIdentity(logger: logger)
        let store = try directory.openReplica(identity: identity, schema: NodeSchema.current, keyRing: KeyRing(),
                                              clock: SystemClock(), logger: logger)
        return Department(store: store)
    }

    func emit<T: Encodable>(_ value: T, text: () -> String) throws {
        print(json ? try jsonString(value) : text())
    }
}

/// The domain never reads the clock; the CLI does, here, and passes it in.
func commandMoment(_ now: String?) throws -> LocalDateTime {
    guard let now else {
        let chinaOffsetMinutes = 8 * 60
        return LocalDateTime(minutesSinceEpoch: Int(Date().timeIntervalSince1970 / 60) + chinaOffsetMinutes)
    }
    return try parseMoment(now)
}

/// Options of a command that writes: the data directory, the acting person and the time.
struct DomainOptions: ParsableArguments, ReplicaCommandOptions {
    @OptionGroup var data: DataDirectoryOption
    @Option(name: .customLong("as"), help: "Staff number (工号) of the person acting.")
    var actor: String?
    @Option(help: "Local China time of the command, YYYY-MM-DDTHH:MM (default: now).")
    var now: String?
    @Flag(help: "Print JSON.") var json = false

    func moment() throws -> LocalDateTime { try commandMoment(now) }

    func acting() throws -> Acting {
        guard let actor, !actor.isEmpty else { throw ValidationError("--as STAFFNO is required: every command names who acts") }
        return Acting(PersonID(actor), at: try moment(), via: CLIInvoker.current)
    }
}

/// Options of a command that only reads and whose answer does not depend on the time:
/// no `--as` (nobody acts) and no `--now`.
struct QueryOptions: ParsableArguments, ReplicaCommandOptions {
    @OptionGroup var data: DataDirectoryOption
    @Flag(help: "Print JSON.") var json = false
}

/// Options of a read (or the demo) whose answer depends on the time: `--now`, no `--as`.
struct TimedQueryOptions: ParsableArguments, ReplicaCommandOptions {
    @OptionGroup var data: DataDirectoryOption
    @Option(help: "Local China time to answer for, YYYY-MM-DDTHH:MM (default: now).")
    var now: String?
    @Flag(help: "Print JSON.") var json = false

    func moment() throws -> LocalDateTime { try commandMoment(now) }
}

/// Who ran this CLI process, as the host's operating system knows it. `--as` names a
/// person but proves nothing (anyone with write access to the data directory may claim
/// anyone); the OS user is recorded in every CLI write's audit entry so the operator can
/// tell which host account made it (docs/security.md, "Trust model").
enum CLIInvoker {
    static var current: String {
        let uid = geteuid()
        let name = getpwuid(uid).flatMap { String(validatingCString: $0.pointee.pw_name) } ?? "?"
        return "cli os-user=\(name) uid=\(uid)"
    }
}

func parseMoment(_ text: String) throws -> LocalDateTime {
    let parts = text.split(separator: "T", omittingEmptySubsequences: false)
    let clock = parts.count == 2 ? parts[1].split(separator: ":") : []
    guard parts.count == 2, let date = LocalDate(iso: parts[0]), clock.count == 2, let h = Int(clock[0]), let m = Int(clock[1]),
          (0..<24).contains(h), (0..<60).contains(m) else {
        throw ValidationError("bad time \"\(text)\": expected YYYY-MM-DDTHH:MM")
    }
    return LocalDateTime(date: date, minuteOfDay: h * 60 + m)
}

func parseDate(_ text: String) throws -> LocalDate {
    guard let date = LocalDate(iso: text) else { throw ValidationError("bad date \"\(text)\": expected YYYY-MM-DD, a real date") }
    return date
}

func parseMonth(_ text: String) throws -> LocalMonth {
    guard let month = LocalMonth(iso: text) else { throw ValidationError("bad month \"\(text)\": expected YYYY-MM") }
    return month
}

/// `HH:MM` as minutes of the day; `24:00` allowed as an end.
func parseClock(_ text: String) throws -> Int {
    let parts = text.split(separator: ":")
    guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0..<60).contains(m),
          h * 60 + m <= 24 * 60 else { throw ValidationError("bad clock time \"\(text)\": expected HH:MM") }
    return h * 60 + m
}

/// A roster seat named on the command line: `--date 2026-03-10 --post network-security --shift night-1 [--seat 0]`
/// or the text key `E|2026-03-10|network-security|night-1|0`.
func parseSeat(_ text: String) throws -> (CampusCode, SlotKey) {
    do { return try SeatKey.parse(text) } catch { throw ValidationError(error.description) }
}

/// A message for refused commands, without the Swift error decoration.
struct Refused: Error, CustomStringConvertible {
    let description: String
}

func refusing<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as DomainError { throw Refused(description: "refused: \(error)") }
}
