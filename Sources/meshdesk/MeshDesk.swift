import ArgumentParser
import Node

/// `meshdesk` — the campus node and its operator commands.
@main
struct MeshDesk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meshdesk",
        abstract: "MeshDesk: hospital IT operations replicated across campuses."
    )
}
