import ArgumentParser
import Domain
import Foundation
import Security
import Server

/// `meshdesk user …` — 账号管理: accounts of the dashboard and API, bound to staff.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Web accounts: add, change password, disable, unlock.",
                                                    subcommands: [UserAdd.self, UserPasswd.self, UserDisable.self, UserUnlock.self])
}

/// The password from `--password-stdin` (one line) — never from an argument, which
/// other users of the machine could read in the process list.
struct PasswordInput: ParsableArguments {
    @Flag(name: .customLong("password-stdin"), help: "Read the password from the first line of standard input.")
    var fromStdin = false

    func read() throws -> String {
        guard fromStdin else { throw ValidationError("pass --password-stdin and give the password on standard input") }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else { throw ValidationError("no password on standard input") }
        return line
    }

    func hash(_ password: String) throws -> String {
        do {
            return try AccountService.hash(password, hasher: PasswordHasher(), charactersMin: ServerConfiguration().passwordCharactersMin)
        } catch let error as APIError {
            throw ValidationError(error.message)
        }
    }
}

struct UserAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add",
                                                    abstract: "Create an account for a staff member (administrator of their campus). Its holder must change the password at first sign-in.")
    @OptionGroup var options: DomainOptions
    @Option(help: "Username: a–z, 0–9, . _ - (at most 64).") var username: String
    @Option(help: "Staff number (工号) the account belongs to.") var person: String
    @OptionGroup var password: PasswordInput

    func run() throws {
        let d = try options.department()
        let hash = try password.hash(try password.read())
        try refusing { try d.createAccount(username: username, person: PersonID(person), passwordHash: hash, by: try options.acting()) }
        try options.emit(["username": username, "person": person]) { "account \(username) created for \(person)" }
    }
}

struct UserPasswd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "passwd",
                                                    abstract: "Set a password: your own, or reset another's as administrator (they must change it again).")
    @OptionGroup var options: DomainOptions
    @Option(help: "Username.") var username: String
    @OptionGroup var password: PasswordInput

    func run() throws {
        let d = try options.department()
        let hash = try password.hash(try password.read())
        try refusing { try d.setPassword(username: username, passwordHash: hash, by: try options.acting()) }
        try options.emit(["username": username]) { "password of \(username) set" }
    }
}

struct UserDisable: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable (or --enable) an account (administrator).")
    @OptionGroup var options: DomainOptions
    @Option(help: "Username.") var username: String
    @Flag(help: "Enable it again instead.") var enable = false

    func run() throws {
        let d = try options.department()
        try refusing { try d.setAccountDisabled(username: username, disabled: !enable, by: try options.acting()) }
        try options.emit(["username": username, "disabled": enable ? "false" : "true"]) { "account \(username) \(enable ? "enabled" : "disabled")" }
    }
}
