import Replica

/// Row ids for things with a name of their own (a campus code, a staff number, a
/// roster seat). Two campuses creating the same thing while cut off from each other
/// then write the **same** row and merge field by field, instead of creating two rows
/// that both claim to be campus E — and two edits of one seat meet on one surfaced
/// register, where a conflict can be shown.
///
/// The id is a deterministic 128-bit hash of `entity` and the key parts (two FNV-1a
/// passes with different bases, each finished with the SplitMix64 mixer). Keys come
/// from authenticated staff, not adversaries, so a non-cryptographic hash suffices.
public enum NaturalKey {
    public static func rowID(_ entity: EntitySchema, _ parts: String...) -> RowID {
        rowID(entity, parts: parts)
    }

    public static func rowID(_ entity: EntitySchema, parts: [String]) -> RowID {
        var text = entity.name
        for part in parts {
            text += "\u{1F}" // unit separator: "a|b" + "c" never equals "a" + "b|c"
            text += part
        }
        let bytes = Array(text.utf8)
        return RowID(high: hash(bytes, basis: 0xCBF2_9CE4_8422_2325), low: hash(bytes, basis: 0x6C62_272E_07BB_0142))
    }

    private static func hash(_ bytes: [UInt8], basis: UInt64) -> UInt64 {
        var h = basis
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 31)
    }
}
