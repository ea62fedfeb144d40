import Replica
import Storage

extension NodeRuntime {
    /// A local transaction in this process: committed (durable) first, then handed to the
    /// sync core for eager push at once — no wait for the poll that catches other
    /// processes' commits. Callable from any thread.
    @discardableResult
    public func write<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        let (value, receipt) = try store.write(body)
        if let batch = receipt?.batch { announce(batch) }
        return value
    }

    func announce(_ batch: SealedBatch) {
        loop.execute { [self] in
            guard !stopped, batch.header.seq > lastLocalSeq else { return }
            // A gap means another process committed in between: let the poll catch up in
            // order rather than announce out of order.
            guard batch.header.seq == lastLocalSeq + 1 else { return pollLocalCommits() }
            lastLocalSeq = batch.header.seq
            perform(core.onLocalCommit(batch, now: now()))
        }
    }

    /// Test and benchmark hook: the core's vector after each delivered message.
    public func observeVector(_ observer: @escaping @Sendable (VersionVector) -> Void) {
        loop.execute { [self] in vectorObserver = observer }
    }
}
