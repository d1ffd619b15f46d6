/// The per-request cost of CPU stages of a pipeline on one server CPU socket, from stated figures
/// (until the CPU device kind prices CPU work through the device models).
///
/// A socket is one processor of the platform and runs one task at a time, while a real socket
/// serves many requests at once on its cores. So a CPU task's time is the socket's
/// *throughput-equivalent* time per request: core-seconds of work divided by the cores (the
/// socket's cores share the stream of requests), or for memory-bound work the bytes it streams
/// divided by the socket's sustained memory bandwidth. Defaults describe an AMD EPYC 9654.
public struct CPUSocketModel: Sendable, Equatable {
    /// Cores per socket. AMD EPYC 9654: 96 Zen 4 cores (AMD product page,
    /// https://www.amd.com/en/products/processors/server/epyc/4th-generation-9004-and-8004-series/amd-epyc-9654.html).
    public var cores = 96.0
    /// All-core clock, GHz: the 9654's 2.4 GHz base (same page).
    public var clockGHz = 2.4
    /// FP32 operations per cycle per core: Zen 4 executes AVX-512 on two 256-bit FMA pipes,
    /// 2 × 8 FMAs = 32 FLOP/cycle (AMD Zen 4 software optimisation guide, 57647).
    public var flopsPerCycle = 32.0
    /// Fraction of peak a batch-1 inference of a small model sustains on a CPU (short GEMMs,
    /// framework overhead). Assumption: 15 %.
    public var denseEfficiency = 0.15
    /// Peak DRAM bandwidth, bytes/s: 12 channels of DDR5-4800 = 460.8 GB/s (AMD product page).
    public var memoryBytesPerSecond = 460.8e9
    /// Sustained fraction of peak DRAM bandwidth for streaming scans. Assumption: 80 % (STREAM
    /// triad on 12-channel DDR5 servers typically reaches 75–85 % of peak).
    public var memoryEfficiency = 0.8
    /// Core-seconds of one tokenizer call (Hugging Face `tokenizers`, Rust): the library states
    /// "less than 20 seconds to tokenize a GB of text on a server's CPU" (≥ 50 MB/s, README of
    /// https://github.com/huggingface/tokenizers), so a prompt of a few kB costs microseconds of
    /// work; the call itself dominates. Assumption: 50 µs per call plus text bytes / 50 MB/s.
    public var tokenizerCallCoreSeconds = 50e-6
    public var tokenizerBytesPerCoreSecond = 50e6
    /// Core-seconds to fetch one retrieved chunk from an in-memory document store (a key-value
    /// GET): assumption 10 µs (redis-benchmark reports on the order of 100,000 GET/s per core,
    /// https://redis.io/docs/latest/operate/oss_and_stack/management/optimization/benchmarks/).
    public var documentFetchCoreSeconds = 10e-6
    /// Core-seconds per megapixel to decode a JPEG and resize it: assumption 10 ms/MP
    /// (libjpeg-turbo decodes on the order of 100–200 MP/s per core on modern x86,
    /// https://libjpeg-turbo.org/About/Performance; resize and normalisation about as much again).
    public var imageDecodeCoreSecondsPerMegapixel = 10e-3

    public init() {}

    /// Sustained dense FP32 operations per second of the socket.
    public var denseFlopsPerSecond: Double { cores * clockGHz * 1e9 * flopsPerCycle * denseEfficiency }

    /// Seconds of the socket for `coreSeconds` of work spread over its cores.
    public func seconds(coreSeconds: Double) -> Double { coreSeconds / cores }

    /// Tokenising (or detokenising) `bytes` of text.
    public func tokenizeSeconds(textBytes bytes: Double) -> Double {
        seconds(coreSeconds: tokenizerCallCoreSeconds + bytes / tokenizerBytesPerCoreSecond)
    }

    /// A dense model of `flops` operations (batch 1) on the socket.
    public func denseSeconds(flops: Double) -> Double { flops / denseFlopsPerSecond }

    /// Streaming `bytes` from DRAM.
    public func streamSeconds(bytes: Double) -> Double { bytes / (memoryBytesPerSecond * memoryEfficiency) }
}

/// An IVF-PQ vector index (FAISS `IndexIVFPQ`; Jégou, Douze & Schmid, "Product quantization for
/// nearest neighbor search", IEEE TPAMI 33(1), 2011) searched on a CPU socket.
///
/// Cost model: a query compares against all `lists` coarse centroids (d float32 each), then scans
/// the PQ codes of `probes` of the lists, each holding vectors/lists codes of `codeBytes`. Both
/// are streams from DRAM (the per-code lookup-table arithmetic is cheaper than the bytes at a
/// socket's core count), so a query's time is the bytes scanned over the socket's sustained DRAM
/// bandwidth (`CPUSocketModel.streamSeconds`).
public struct VectorIndex: Sendable, Equatable {
    public var vectors: Double
    public var dimension: Int
    /// Bytes of one PQ code: 64 (PQ64, 64 sub-quantisers of 8 bits), a common FAISS setting.
    public var codeBytes = 64.0
    /// Inverted lists (nlist): 16,384, in FAISS's guideline of 4·√N to 16·√N for 10^8 vectors
    /// (FAISS wiki, "Guidelines to choose an index").
    public var lists = 16_384.0
    /// Lists probed per query (nprobe): 64 (assumption, a typical recall ≈ 0.9 setting).
    public var probes = 64.0

    public init(vectors: Double, dimension: Int) {
        self.vectors = vectors
        self.dimension = dimension
    }

    /// The index in memory: codes plus ids (8 bytes each) plus centroids.
    public var bytes: Double { vectors * (codeBytes + 8) + lists * Double(dimension) * 4 }

    /// Bytes one query streams: all centroids, then the codes of the probed lists.
    public var bytesScannedPerQuery: Double {
        lists * Double(dimension) * 4 + min(probes, lists) / lists * vectors * codeBytes
    }
}
