import Security
import Storage
import Sync

/// What travels inside a session: `u8 kind ‖ body`. Sync messages are the bulk; the
/// signed roster rides beside them so a newer epoch spreads to every node it reaches
/// (each checks it under its pinned admin key and the update rule before using it).
enum NodeEnvelope {
    static let syncKind: UInt8 = 1
    static let rosterKind: UInt8 = 2
    // Snapshot transfer for `meshdesk rebuild` (see `SnapshotTransfer`).
    static let snapshotRequestKind: UInt8 = 3
    static let snapshotPartKind: UInt8 = 4
    static let snapshotCreditKind: UInt8 = 5
    static let snapshotRefusedKind: UInt8 = 6

    case sync(SyncMessage)
    case roster(SignedRoster)
    case snapshotRequest(credit: UInt32)
    case snapshotPart([UInt8])
    case snapshotCredit(UInt32)
    case snapshotRefused(String)

    func encoded() -> [UInt8] {
        switch self {
        case let .sync(message): [Self.syncKind] + message.encoded()
        case let .roster(signed): [Self.rosterKind] + signed.encoded()
        case let .snapshotRequest(credit): [Self.snapshotRequestKind] + Self.u32(credit)
        case let .snapshotPart(part): [Self.snapshotPartKind] + part
        case let .snapshotCredit(parts): [Self.snapshotCreditKind] + Self.u32(parts)
        case let .snapshotRefused(reason): [Self.snapshotRefusedKind] + Array(reason.utf8.prefix(Self.reasonBytesMax))
        }
    }

    enum Failure: Error, CustomStringConvertible {
        case empty, unknownKind(UInt8), sync(SyncMessageError), roster(SecurityError), snapshot(String)
        var description: String {
            switch self {
            case .empty: "empty envelope"
            case let .unknownKind(kind): "unknown envelope kind \(kind)"
            case let .sync(error): "sync message: \(error)"
            case let .roster(error): "roster: \(error)"
            case let .snapshot(reason): "snapshot transfer: \(reason)"
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
        case snapshotRequestKind:
            return .snapshotRequest(credit: try u32(body))
        case snapshotPartKind:
            guard !body.isEmpty, body.count <= SnapshotFormat.partBytesMax else { throw .snapshot("part of \(body.count) bytes") }
            return .snapshotPart(body)
        case snapshotCreditKind:
            return .snapshotCredit(try u32(body))
        case snapshotRefusedKind:
            guard body.count <= reasonBytesMax else { throw .snapshot("refusal reason of \(body.count) bytes") }
            return .snapshotRefused(String(decoding: body, as: UTF8.self))
        default:
            throw .unknownKind(kind)
        }
    }

    static let reasonBytesMax = 255

    static func u32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    static func u32(_ body: [UInt8]) throws(Failure) -> UInt32 {
        guard body.count == 4 else { throw .snapshot("expected 4 bytes, got \(body.count)") }
        return UInt32(body[0]) << 24 | UInt32(body[1]) << 16 | UInt32(body[2]) << 8 | UInt32(body[3])
    }
}
