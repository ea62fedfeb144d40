import Domain
import Replica

/// The replicated schema a node runs: the union of the domain modules' entities, and
/// nothing else (load for benchmarks and tests is real domain rows, `DutyLogLoad`).
/// Version numbers only grow; a node meeting batches of a newer version keeps them
/// until it is upgraded (docs/replication.md).
public enum NodeSchema {
    public static let current = DomainSchema.schema
}
