import Security
import Sync

/// What travels inside a session: `u8 kind ‖ body`. Sync messages are the bulk; the
/// signed roster rides beside them so a newer epoch spreads to every node it reaches
/// (each checks it under its pinned admin key and the update rule before using it).
enum NodeEnvelope {
    static let syncKind: UInt8 = 1
    static let rosterKind: UInt8 = 2

    case sync(SyncMessage)
    case roster(SignedRoster)

    func encoded() -> [UInt8] {
        switch self {
        case let .sync(message): [Self.syncKind] + message.encoded()
        case let .roster(signed): [Self.rosterKind] + signed.encoded()
        }
    }

    enum Failure: Error, CustomStringConvertible {
        case empty, unknownKind(UInt8), sync(SyncMessageError), roster(SecurityError)
        var description: String {
            switch self {
            case .empty: "empty envelope"
            case let .unknownKind(kind): "unknown envelope kind \(kind)"
            case let .sync(error): "sync message: \(error)"
            case let .roster(error): "roster: \(error)"
            }
        }
    }

    static func decode(_ bytes: [UInt8]) throws(Failure) -> NodeEnvelope {
        guard let kind = bytes.first else { throw .empty }
        let body = Array(bytes.dropFirst())
        switch kind {
        case syncKind:
            do { return .sync(try SyncMessage.decode(body)) } catch { throw .sync(error) }
        case rosterKind:
            do { return .roster(try SignedRoster(decoding: body)) } catch { throw .roster(error) }
        default:
            throw .unknownKind(kind)
        }
    }
}
