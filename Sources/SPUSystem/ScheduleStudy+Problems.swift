import Foundation
import SPUCore
import SPUScheduling
import SPUWorkload

extension ScheduleStudy {
    /// The study's task graph on each platform of its mix, ready for the schedulers, with a label
    /// for the graph and each platform's mix in words. Every input error — a bad graph, trace,
    /// platform or design, a task no device can run — is a `ConfigError` naming its file.
    /// `catalog` prices the platform's designs; it may be nil for a graph with its own processors.
    public func problems(catalog: DeviceCatalog?) throws(ConfigError) -> (label: String, list: [(mix: String, problem: SchedulingProblem)]) {
        var graphFile: TaskGraphFile? = nil
        var label = ""
        if case let .graph(path) = source {
            graphFile = try TaskGraphFile.load(path: path)
            label = URL(fileURLWithPath: path).lastPathComponent
        }
        guard let platformPath, let catalog else {
            // Without a platform the source is a graph with its own processors (`load` requires a
            // platform for workloads and pipelines).
            guard case let .graph(path) = source, let file = graphFile else {
                throw ConfigError(file: "", path: "$.platform", message: "a workload or pipeline needs a platform")
            }
            guard file.platform != nil else {
                throw ConfigError(file: path, path: "$.processors", message: "the graph lists no processors: give them, or a platform")
            }
            return (label, [("", file.problem())])
        }
        var list: [(mix: String, problem: SchedulingProblem)] = []
        for combination in mixCombinations {
            let counts = Dictionary(uniqueKeysWithValues: combination.map { ($0.device, $0.count) })
            let platformFile = try PlatformFile.load(path: platformPath, counts: counts) { path throws(ConfigError) in try catalog.facts(path: path) }
            let problem: SchedulingProblem
            switch source {
            case let .graph(path):
                problem = try graphFile!.problem(on: platformFile.platform, file: path)
            case let .workload(path):
                let trace = try Workload.load(path: path)
                let coster = try Self.coster(platformFile, catalog: catalog, platformPath: platformPath)
                let graph: TaskGraph
                do throws(WorkloadTaskGraphError) {
                    graph = try WorkloadTaskGraph.build(trace, coster: coster)
                } catch {
                    throw ConfigError(file: path, path: error.jsonPath, message: error.description)
                }
                problem = try Self.compile(graph, platformFile.platform, file: path, path: "$.ops")
                label = URL(fileURLWithPath: path).lastPathComponent + " (op DAG)"
            case let .pipeline(spec):
                let coster = try Self.coster(platformFile, catalog: catalog, platformPath: platformPath)
                problem = try Self.compile(try spec.graph(coster: coster, platformPath: platformPath), platformFile.platform, file: platformPath, path: "$.nodes")
                label = spec.label
            }
            list.append((Self.describe(problem.platform), problem))
        }
        return (label, list)
    }

    /// A platform's mix in words: processors counted by class, e.g. `cpu=2 gpu=8 spu=4`.
    public static func describe(_ platform: SchedulingPlatform) -> String {
        var counts: [String: Int] = [:]
        for p in platform.processors { counts[p.deviceClass, default: 0] += 1 }
        return counts.keys.sorted().map { "\($0)=\(counts[$0]!)" }.joined(separator: " ")
    }

    private static func coster(_ platformFile: PlatformFile, catalog: DeviceCatalog, platformPath: String) throws(ConfigError) -> TaskCoster {
        do throws(TaskCostingError) {
            return try TaskCoster(platform: platformFile, catalog: catalog)
        } catch {
            if case let .design(e) = error { throw e }
            throw ConfigError(file: platformPath, path: "$.nodes", message: error.description)
        }
    }

    private static func compile(_ graph: TaskGraph, _ platform: SchedulingPlatform, file: String, path: String) throws(ConfigError) -> SchedulingProblem {
        do throws(TaskGraphError) {
            return try SchedulingProblem(graph: graph, platform: platform)
        } catch {
            throw ConfigError(file: file, path: path, message: error.description)
        }
    }
}
