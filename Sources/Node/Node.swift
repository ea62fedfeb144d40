/// Node — wiring of one MeshDesk campus node: data directory, identity, replica store,
/// and (as they land) sync, server and lifecycle.
import Replica
