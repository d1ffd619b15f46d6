// swift-tools-version: 6.1
import PackageDescription

/// SPUSim: a design-space-exploration simulator for spatial AI accelerators and GPUs.
///
/// Module graph (dependencies point one way, top to bottom; every target declares each module it imports):
///   SPUFormats (number formats and the hardware-format catalogue; stdlib only)
///   SPUFormats → SPUCore (units, strict JSON, JSON paths, hashing; `NumberFormat` is SPUFormats' `HardwareFormat`)
///   SPUCore → SPUHardware, SPUWorkload
///   SPUHardware, SPUWorkload → SPUPerformance (mapping space / cost / search, operating point) → SPUCost (energy, area,
///     cost, TCO, the metric catalogue)
///   SPUCost → SPUServing (request-level serving simulation, capacity search, simulated fleet sizing)
///   SPUCost → SPUTraining (clusters, network tiers and collectives, parallel training steps, layout search, cluster sizing;
///     the training scenario a sweep runs per design)
///   SPUCost, SPUServing, SPUTraining, SPUAccuracy → SPUSweep (point sources → evaluator → result sinks; in-memory sink; a
///     serving and a training scenario per design; recipe accuracy per design × workload)
///   SPUSweep → SPUResults (SQLite store; the sweep's SQLite sink) → SPUReport (SVG charts, HTML reports; with
///     SPUScheduling for Gantt charts of executions)
///   SPUPerformance, SPUCost, SPUServing, SPUTraining → SPUValidation
///   SPUFormats, SPUCore → SPUAccuracy (a real model's forward pass emulated in a precision recipe)
///   SPUFormats, SPUCore → SPUScheduling (task graphs, platforms, schedulers, runtime simulator, checkers)
///   SPUScheduling, SPUCost → SPUSystem (platform designs and task costs from the device models; pipeline generators)
///   SPUResults, SPUSweep, SPUReport, SPUValidation, SPUServing, SPUAccuracy, SPUScheduling, SPUSystem,
///     SPUTraining → SPUSimCLI → spusim
let package = Package(
    name: "SPUSim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "spusim", targets: ["spusim"]),
        .library(name: "SPUPerformance", targets: ["SPUPerformance"]),
        .library(name: "SPUResults", targets: ["SPUResults"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        // Bit-exact number formats (floats, posits, LNS, MDLNS, MX, integers), the hardware-format
        // catalogue, accumulation and numerics metrics, and the per-format MAC cost model.
        // Standard library + libm only.
        .target(name: "SPUFormats"),
        // Units, strict JSON reading with path-aware errors, number-format names (the catalogue of
        // SPUFormats as `NumberFormat`), hashing.
        .target(name: "SPUCore", dependencies: ["SPUFormats"]),
        // Accuracy of a real model: a BERT sentence encoder (all-MiniLM-L6-v2) whose matmuls are
        // emulated bit-exactly in a recipe's number formats and accumulator; WordPiece tokenizer,
        // safetensors loader, embedding-similarity metrics.
        .target(name: "SPUAccuracy", dependencies: ["SPUCore", "SPUFormats"]),
        // Device descriptions (SPU meshes and GPUs in one abstraction), decoded strictly from JSON.
        .target(name: "SPUHardware", dependencies: ["SPUCore", "SPUFormats"]),
        // Op IR (einsum-style), JSON traces, and generators (transformers, CNNs, GEMM lists).
        .target(name: "SPUWorkload", dependencies: ["SPUCore", "SPUFormats"]),
        // Mapping search and the analytical performance model; returns activity counts.
        .target(name: "SPUPerformance", dependencies: ["SPUCore", "SPUHardware", "SPUWorkload"]),
        // Energy, power (TDP policy), area, silicon cost, TCO and fleet sizing: prices the
        // activity counts of the performance model.
        .target(name: "SPUCost", dependencies: ["SPUCore", "SPUFormats", "SPUHardware", "SPUWorkload", "SPUPerformance"]),
        // Request-level LLM serving simulation: arrivals and lengths, continuous batching with chunked
        // prefill, paged KV cache and preemption, disaggregated prefill/decode pools; iterations priced
        // by the performance and power models (memoised), plus the engine's host time.
        .target(
            name: "SPUServing",
            dependencies: ["SPUCore", "SPUFormats", "SPUHardware", "SPUWorkload", "SPUPerformance", "SPUCost",
                           .product(name: "DequeModule", package: "swift-collections"), .product(name: "HeapModule", package: "swift-collections")]),
        // Sweep driver: JSON sweep specs and the pipeline point source (grid, random, LHS, NSGA-II)
        // → evaluator (decode, de-duplicate, constraints, parallel costed evaluation) → result sink
        // (protocol; an in-memory sink here), resumable and shardable; serving and training
        // scenarios per design. Knows no database.
        .target(name: "SPUSweep", dependencies: ["SPUCore", "SPUFormats", "SPUHardware", "SPUWorkload", "SPUPerformance", "SPUCost", "SPUServing", "SPUTraining", "SPUAccuracy"]),
        // SQLite results store (GRDB, WAL, migrations); it is the sweep's SQLite result sink.
        .target(
            name: "SPUResults",
            dependencies: ["SPUCore", "SPUFormats", "SPUHardware", "SPUWorkload", "SPUPerformance", "SPUCost", "SPUSweep",
                           .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")]),
        // Reports: a small SVG writer, charts (Pareto scatter, roofline, stacked bars, sensitivity
        // boxes) and the self-contained HTML report of a sweep (`spusim report`, `spusim plot`).
        .target(
            name: "SPUReport",
            dependencies: ["SPUCore", "SPUHardware", "SPUWorkload", "SPUPerformance", "SPUCost", "SPUResults", "SPUScheduling",
                           .product(name: "GRDB", package: "GRDB.swift")]),
        // Model validation against measured figures (`validation/`, `spusim validate-model`); the area
        // model prices `die_area` cases and the serving simulator `serving` cases.
        .target(name: "SPUValidation", dependencies: ["SPUCore", "SPUFormats", "SPUHardware", "SPUWorkload", "SPUPerformance", "SPUCost", "SPUServing", "SPUTraining"]),
        // Task-graph scheduling across heterogeneous devices (issue 17): task graphs, a platform's
        // platforms (uniform, or nodes with PCIe, fabric and network links and device memories), the
        // static schedulers (HEFT, CPOP), the runtime simulator and its dynamic policies (StarPU
        // dmda/dm, work stealing, eager, random), and independent schedule and execution checkers.
        // SPUFormats only for its SplitMix64 generator.
        .target(name: "SPUScheduling", dependencies: ["SPUCore", "SPUFormats"]),
        // Distributed training (issue 18): cluster files (nodes, scale-up and scale-out tiers, hosts),
        // collectives on the cluster network, a training step under a 3-D parallel layout (1F1B,
        // interleaving, ZeRO, sequence and expert parallelism), the layout search, cluster sizing,
        // and the training scenario of sweeps.
        .target(name: "SPUTraining", dependencies: ["SPUCore", "SPUFormats", "SPUHardware", "SPUWorkload", "SPUPerformance", "SPUCost"]),
        // Systems of real devices for the scheduler: a platform's designs priced by the hardware,
        // performance and power models, task costs from workload ops, and pipeline generators.
        .target(name: "SPUSystem", dependencies: ["SPUCore", "SPUFormats", "SPUHardware", "SPUWorkload", "SPUPerformance", "SPUCost", "SPUScheduling"]),
        // Command implementations; kept thin, they only parse, call the library and print.
        .target(
            name: "SPUSimCLI",
            dependencies: ["SPUCore", "SPUFormats", "SPUHardware", "SPUWorkload", "SPUPerformance", "SPUCost", "SPUResults", "SPUSweep", "SPUValidation", "SPUReport", "SPUServing", "SPUAccuracy", "SPUScheduling", "SPUSystem", "SPUTraining",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "spusim", dependencies: ["SPUSimCLI"]),
        // Release-build benchmark of evaluations per second (`swift run -c release spusim-bench`).
        .executableTarget(name: "spusim-bench", dependencies: ["SPUCore", "SPUFormats", "SPUHardware", "SPUWorkload", "SPUPerformance", "SPUCost", "SPUSweep", "SPUResults", "SPUServing", "SPUTraining"]),
        .testTarget(
            name: "SPUSimTests",
            dependencies: ["SPUCore", "SPUFormats", "SPUHardware", "SPUWorkload", "SPUPerformance", "SPUCost", "SPUResults", "SPUSweep", "SPUValidation", "SPUReport", "SPUServing", "SPUSimCLI", "SPUAccuracy", "SPUScheduling", "SPUSystem", "SPUTraining",
                           .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            resources: [.copy("Data")]),
    ],
    swiftLanguageModes: [.v6]
)
