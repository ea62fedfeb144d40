import ArgumentParser
import Foundation
import Logging
import Node
import Security

/// `meshdesk` — the campus node and its operator commands.
@main
struct MeshDesk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meshdesk",
        abstract: "MeshDesk: hospital IT operations replicated across campuses.",
        subcommands: [InitCommand.self, ServeCommand.self, StatusCommand.self, ClusterCommand.self,
                      RosterCommand.self, HandoverCommand.self, LeaveCommand.self, DutyCommand.self,
                      TicketCommand.self, AssetCommand.self, ApprovalCommand.self, KnowledgeCommand.self, PlanCommand.self, MachineRoomCommand.self,
                      DemoCommand.self, UserCommand.self, DirectoryCommand.self, WebCommand.self, BenchCommand.self,
                      VerifyCommand.self, BackupCommand.self, RestoreCommand.self, RebuildCommand.self,
                      CompactCommand.self, AuditCommand.self, DoctorCommand.self, BoundsCommand.self]
    )
}

struct DataDirectoryOption: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The node's data directory.")
    var path: String = DataDirectory.defaultPath

    var directory: DataDirectory { DataDirectory(path: path) }
}

func makeLogger(_ label: String, level: Logger.Level = .info) -> Logger {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
    return Logger(label: label)
}

func fmt(_ value: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", value) }

func jsonString(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
