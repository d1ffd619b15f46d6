/// The scalar quantities of `ActivityCounts`, by name: one list, used by the results schema
/// (a `results` column each), the JSON output (`activity`) and energy models.
public enum ActivityQuantity: String, CaseIterable, Sendable, Hashable {
    /// MACs of every format together (`ActivityCounts.macsByFormat` keeps them apart).
    case macs
    case vectorOps = "vector_ops"
    case localSRAMReadBytes = "local_sram_read_bytes"
    case localSRAMWriteBytes = "local_sram_write_bytes"
    case sharedSRAMReadBytes = "shared_sram_read_bytes"
    case sharedSRAMWriteBytes = "shared_sram_write_bytes"
    case offchipReadBytes = "offchip_read_bytes"
    case offchipWriteBytes = "offchip_write_bytes"
    /// Bytes times links traversed on the on-chip network.
    case nocByteHops = "noc_byte_hops"
    /// Bytes this chip sends over chip-to-chip links.
    case chipLinkBytes = "chip_link_bytes"
}

extension ActivityCounts {
    public subscript(quantity: ActivityQuantity) -> Double {
        switch quantity {
        case .macs: return totalMACs
        case .vectorOps: return vectorOps
        case .localSRAMReadBytes: return localSRAMReadBytes
        case .localSRAMWriteBytes: return localSRAMWriteBytes
        case .sharedSRAMReadBytes: return sharedSRAMReadBytes
        case .sharedSRAMWriteBytes: return sharedSRAMWriteBytes
        case .offchipReadBytes: return offchipReadBytes
        case .offchipWriteBytes: return offchipWriteBytes
        case .nocByteHops: return nocByteHops
        case .chipLinkBytes: return chipLinkBytes
        }
    }
}
