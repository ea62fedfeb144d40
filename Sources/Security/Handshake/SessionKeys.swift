/// What a completed handshake yields: one 32-byte key per direction, fresh for this
/// session (they depend on both ephemeral keys), and the authenticated remote identity.
public struct SessionKeys: Sendable {
    public let suite: SessionSuite
    /// Encrypts what this side sends (`SecretStreamSender`).
    public let sendKey: SecretBytes
    /// Decrypts what the peer sends (`SecretStreamReceiver`).
    public let receiveKey: SecretBytes
    public let remoteKey: PublicKey

    init(suite: SessionSuite, sendKey: SecretBytes, receiveKey: SecretBytes, remoteKey: PublicKey) {
        precondition(sendKey.count == 32 && receiveKey.count == 32, "session keys are 32 bytes")
        precondition(!sendKey.constantTimeEquals(receiveKey), "the two directions must not share a key")
        self.suite = suite
        self.sendKey = sendKey
        self.receiveKey = receiveKey
        self.remoteKey = remoteKey
    }
}
