/// Transport — SwiftNIO TCP for the sync protocol: length-prefixed framing, the secret
/// handshake, one secretstream per direction, reconnect with backoff. The protocol
/// logic lives in value-type state machines; channel handlers only move bytes and
/// switch on their actions. See docs/sync.md ("Transport").
import NIOCore
