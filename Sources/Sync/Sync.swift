/// Sync — the sans-IO gossip core of MeshDesk: SWIM-style membership and failure
/// detection, anti-entropy over version vectors with flow-controlled batch streaming,
/// and eager push of fresh local batches.
///
/// Every machine here is a value type that takes one event (with the current `Instant`
/// passed in) and returns directives for its shell to carry out. Nothing reads the wall
/// clock, a global random source or a socket, so one seed replays a run exactly
/// (DESIGN §6). See docs/sync.md.
public enum SyncModule {
    /// First byte of every encoded `SyncMessage`. Bumped only for changes an older
    /// decoder cannot skip over; appended fields do not need a bump.
    public static let wireVersion: UInt8 = 1
}
