import Replica
import Storage

extension NodeRuntime {
    /// A local transaction in this process: committed (durable) first, then handed to the
    /// core for eager push at once — no wait for the poll that catches other processes'
    /// commits. Callable from any thread.
    @discardableResult
    public func write<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        let (value, receipt) = try store.write(body)
        if let batch = receipt?.batch { announce(batch) }
        return value
    }

    func announce(_ batch: SealedBatch) {
        loop.execute { [self] in
            guard !state.value.isStopped else { return }
            run(state.value.core.onLocalCommit(batch, now: now()))
        }
    }

    /// Test and benchmark hook: the sync core's vector after each event it handled.
    public func observeVector(_ observer: @escaping @Sendable (VersionVector) -> Void) {
        loop.execute { [self] in state.value.vectorObserver = observer }
    }
}
