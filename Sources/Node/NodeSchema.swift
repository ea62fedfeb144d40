import Domain
import Replica

/// The replicated schema a node runs: the union of the domain modules' entities.
/// Version numbers only grow; a node meeting batches of a newer version keeps them
/// until it is upgraded (docs/replication.md).
public enum NodeSchema {
    /// The department's entities, plus the development fixture used by `meshdesk dev`
    /// and the cluster test (see `DevFixtureNote`).
    public static let current = DomainSchema.schema.merging(Schema(version: 1, entities: [DevFixtureNote.entity]))
}
