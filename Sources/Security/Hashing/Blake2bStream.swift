import CSodium

/// BLAKE2b-256 over data that arrives in pieces (a backup file read in frames), so a
/// large file is hashed without holding it in memory.
public final class Blake2bStream {
    // The C state is 64-byte aligned, which Swift imports as an opaque type: it lives in
    // memory allocated with that alignment.
    private let state: UnsafeMutableRawPointer
    private var finished = false

    public init() {
        _ = Sodium.ready
        state = UnsafeMutableRawPointer.allocate(byteCount: crypto_generichash_statebytes(), alignment: 64)
        precondition(crypto_generichash_init(OpaquePointer(state), nil, 0, 32) == 0, "crypto_generichash_init failed")
    }

    deinit { state.deallocate() }

    public func update(_ bytes: some Collection<UInt8>) {
        precondition(!finished, "hash already finished")
        let rc = Array(bytes).withUnsafeBufferPointer { crypto_generichash_update(OpaquePointer(state), $0.baseAddress, UInt64($0.count)) }
        precondition(rc == 0, "crypto_generichash_update failed")
    }

    public func finish() -> [UInt8] {
        precondition(!finished, "hash already finished")
        finished = true
        var out = [UInt8](repeating: 0, count: 32)
        precondition(crypto_generichash_final(OpaquePointer(state), &out, 32) == 0, "crypto_generichash_final failed")
        return out
    }
}
