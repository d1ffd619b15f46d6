import SPUFormats

/// The number formats SPUSim knows by name: the hardware-format catalogue of the number-format
/// module (`HardwareFormat`), under the name device configs, workloads and the performance model use.
///
/// Each case has one catalogue entry (`entry`) with its kind, element and storage widths, bit-exact
/// codec and, through the codec, its MAC cost. The performance model reads only `storageBits` and
/// `bytesPerElement`, constant lookups derived from the entry.
public typealias NumberFormat = HardwareFormat
