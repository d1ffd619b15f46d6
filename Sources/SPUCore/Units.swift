/// Unit conversion constants. Quantities in SPUSim carry their unit in their name
/// (`latencySeconds`, `capacityBytes`, `bandwidthBytesPerSecond`); these constants are the only
/// place where prefixes are turned into factors.
public enum Units {
    /// Decimal prefixes (memory bandwidth and marketed HBM capacity are decimal).
    public static let giga = 1e9
    public static let tera = 1e12
    /// Binary prefixes (SRAM capacities).
    public static let kibi = 1024.0
    public static let mebi = 1024.0 * 1024.0
    public static let nanosecond = 1e-9
    public static let microsecond = 1e-6
    public static let millisecond = 1e-3
}
