import Replica

/// The replicated schema a node runs: the union of the domain modules' entities.
/// Version numbers only grow; a node meeting batches of a newer version keeps them
/// until it is upgraded (docs/replication.md).
public enum NodeSchema {
    /// The development fixture rides along until the domain's entities are wired in
    /// (see `DevFixtureNote`).
    public static let current = Schema(version: 1, entities: [DevFixtureNote.entity])
}
