import Foundation
import SPUCore
import SPUScheduling

/// A schedule study (`spusim schedule --study FILE`): one task-graph source on one platform, run
/// over axes — device counts (the platform mix), schedulers, performance-model errors and seeds —
/// every combination stored as one row of the `schedules` table.
///
/// ```json
/// {"name": "rag-mix", "source": "…",
///  "platform": "../platforms/cpu-gpu-spu-node.json",
///  "pipeline": {"kind": "rag", "requests": 64},          // or "graph": FILE, or "workload": FILE
///  "axes": {"mix": {"gpu": [4, 8], "spu": [0, 2, 4]}, "schedulers": ["heft", "dmda", "ws"],
///           "model_errors": [0, 0.2], "seeds": [1, 2, 3]}}
/// ```
/// Paths are relative to the study file. Read strictly: errors name the file, the JSON path and the rule.
public struct ScheduleStudy: Sendable {
    public enum Source: Sendable, Equatable {
        case graph(String)
        case workload(String)
        case pipeline(PipelineSpec)
    }

    public var name: String?
    public var source: Source
    /// The platform file; nil for a graph that lists its own processors.
    public var platformPath: String?
    /// Device name → the counts to run, in file order.
    public var mix: [(device: String, counts: [Int])]
    public var schedulers: [SchedulerKind]
    public var modelErrors: [Double]
    public var seeds: [UInt64]

    public init(name: String?, source: Source, platformPath: String?, mix: [(device: String, counts: [Int])], schedulers: [SchedulerKind],
                modelErrors: [Double], seeds: [UInt64]) {
        self.name = name
        self.source = source
        self.platformPath = platformPath
        self.mix = mix
        self.schedulers = schedulers
        self.modelErrors = modelErrors
        self.seeds = seeds
    }

    /// At most this many executions per study.
    public static let maximumExecutions = 100_000

    /// Every combination of the mix's counts (one empty combination without a mix).
    public var mixCombinations: [[(device: String, count: Int)]] {
        mix.reduce([[]]) { combinations, axis in combinations.flatMap { c in axis.counts.map { c + [(axis.device, $0)] } } }
    }

    public var executionCount: Int { mixCombinations.count * schedulers.count * modelErrors.count * seeds.count }

    public static func load(path: String, defaultLLMPath: @autoclosure () throws -> String, encoderPath: @autoclosure () throws -> String) throws -> ScheduleStudy {
        let root = try InputFile.readJSONObject(path)
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : directory + "/" + p }
        root.expecting(["name", "source", "platform", "graph", "workload", "pipeline", "axes"])
        let name = try root.optionalString("name")
        _ = try root.optionalString("source")
        let sources = ["graph", "workload", "pipeline"].filter(root.has)
        guard sources.count == 1 else { throw root.fail(nil, "give exactly one of graph, workload and pipeline (the task graph to run)") }
        let source: Source
        switch sources[0] {
        case "graph": source = .graph(resolve(try root.string("graph")))
        case "workload": source = .workload(resolve(try root.string("workload")))
        default:
            let block = try root.object("pipeline")
            let llm = block.has("llm") ? "" : try defaultLLMPath()
            let encoder = try encoderPath()
            source = .pipeline(try PipelineSpec.decode(block, baseDirectory: directory, defaultLLMPath: llm, encoderPath: encoder))
        }
        let platform = try root.optionalString("platform").map(resolve)
        if platform == nil, sources[0] != "graph" { throw root.fail("platform", "a \(sources[0]) needs a platform (the devices that price its tasks)") }

        var mix: [(device: String, counts: [Int])] = []
        var schedulers: [SchedulerKind] = [.heft]
        var errors: [Double] = [0]
        var seeds: [UInt64] = [1]
        if let axes = try root.optionalObject("axes") {
            axes.expecting(["mix", "schedulers", "model_errors", "seeds"])
            if axes.has("mix") {
                guard platform != nil else { throw axes.fail("mix", "a mix changes device counts of a platform file; give one") }
                for entry in try axes.entries("mix") {
                    guard case let .array(items) = entry.value, !items.isEmpty else {
                        throw ConfigError(file: axes.file, path: entry.path, message: "must be a non-empty list of device counts")
                    }
                    var counts: [Int] = []
                    for (i, item) in items.enumerated() {
                        counts.append(try JSONObjectReader.int(item, in: 0...PlatformFile.Limits.count.upperBound, file: axes.file, path: entry.path + "[\(i)]"))
                    }
                    mix.append((entry.key, counts))
                }
            }
            if axes.has("schedulers") {
                schedulers = try list(axes, "schedulers") { value, path throws(ConfigError) in
                    guard case let .string(s) = value, let kind = SchedulerKind(rawValue: s) else {
                        throw ConfigError(file: axes.file, path: path, message: "unknown scheduler (use \(SchedulerKind.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    return kind
                }
            }
            if axes.has("model_errors") {
                errors = try list(axes, "model_errors") { value, path throws(ConfigError) in try JSONObjectReader.number(value, in: 0...3, file: axes.file, path: path) }
            }
            if axes.has("seeds") {
                seeds = try list(axes, "seeds") { value, path throws(ConfigError) in UInt64(try JSONObjectReader.int(value, in: 0...Int.max, file: axes.file, path: path)) }
            }
            try axes.finish()
        }
        try root.finish()
        let study = ScheduleStudy(name: name, source: source, platformPath: platform, mix: mix, schedulers: schedulers, modelErrors: errors, seeds: seeds)
        guard study.executionCount <= maximumExecutions else {
            throw root.fail("axes", "the axes ask for \(study.executionCount) executions; at most \(maximumExecutions)")
        }
        return study
    }

    /// A non-empty list under `key`, each item decoded by `item`.
    private static func list<T>(_ r: JSONObjectReader, _ key: String, _ item: (JSONValue, String) throws(ConfigError) -> T) throws(ConfigError) -> [T] {
        let items = try r.array(key)
        guard !items.isEmpty else { throw r.fail(key, "must list at least one value") }
        var out: [T] = []
        for entry in items { out.append(try item(entry.value, entry.path)) }
        return out
    }
}
