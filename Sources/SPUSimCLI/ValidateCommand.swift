import ArgumentParser
import SPUCore
import SPUCost
import SPUHardware
import SPUScheduling
import SPUSweep
import SPUSystem
import SPUTraining
import SPUWorkload

/// `spusim validate`: checks hardware configs, workload traces, model configs, task graphs, platforms and clusters.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check configs and workloads; exit 0 if all are valid, 2 otherwise.")

    @Argument(help: "Hardware configs, workload traces, model configs, technology/TCO files or sweep configs (JSON).")
    var files: [String]

    func run() throws {
        var failures = 0
        for file in files {
            do throws(SweepError) {
                print("ok: \(file): \(try Self.check(file))")
            } catch {
                printError("error: \(error.description)")
                failures += 1
            }
        }
        if failures > 0 { throw ExitCode(2) }
    }

    /// Recognises the file's kind from its keys and decodes it strictly. Sweep configs go through
    /// `SweepSpec.load`, which also checks every axis path against the base config.
    static func check(_ file: String) throws(SweepError) -> String {
        let root: JSONObjectReader
        do { root = try InputFile.readJSONObject(file) } catch { throw .config(error) }
        if root.has("platform") || root.has("pipeline") || (root.has("graph") && !root.has("tasks")) {
            // A schedule study (`spusim schedule --study`): its files are resolved as the command would.
            do {
                let study = try ScheduleStudy.load(path: file,
                                                   defaultLLMPath: SPUSimHome.resolve("workloads/models/llama-3-8b.json", isDefault: true, what: "LLM config", option: "an llm in the pipeline block"),
                                                   encoderPath: SPUSimHome.resolve("workloads/models/all-minilm-l6-v2.json", isDefault: true, what: "encoder config", option: "an llm in the pipeline block"))
                return "schedule study \(study.name ?? "") (\(study.executionCount) executions)"
            } catch let error as ConfigError {
                throw .config(error)
            } catch {
                throw .config(ConfigError(file: file, path: "$", message: "\(error)"))
            }
        }
        if root.has("axes") {
            let spec = try SweepSpec.load(path: file, loadingAccuracyModel: false)
            return "sweep \(spec.name) (\(spec.strategy.name), \(spec.axes.count) axes, \(spec.workloads.count) workloads)"
        }
        do { return try describe(root, file: file) } catch { throw .config(error) }
    }

    private static func describe(_ root: JSONObjectReader, file: String) throws(ConfigError) -> String {
        if root.has("ops") || root.has("format_version") {
            let w = try Workload.decode(root)
            return "workload \(w.name) (\(w.ops.count) ops)"
        }
        if root.has("compute") || root.has("kind") {
            let d = try DeviceSpec.decode(root)
            return "\(d.kind.rawValue) \(d.name)"
        }
        if root.has("wafer") {
            let t = try TechnologySpec.decode(root)
            return "technology \(t.name)"
        }
        if root.has("memory_types") {
            _ = try MemoryTechnology.decode(root, requiredTypes: MemoryType.allCases.map(\.rawValue))
            return "memory and link technology"
        }
        if root.has("compute_overhead_factor") {
            _ = try ModelParameters.decode(root)
            return "area/energy model parameters"
        }
        if root.has("finance") {
            _ = try TCOParameters.decode(root)
            return "TCO parameters"
        }
        if root.has("tasks") {
            let g = try TaskGraphFile.decode(root)
            return "task graph \(g.name ?? "") (\(g.graph.taskCount) tasks, \(g.graph.edges.count) edges" + (g.platform.map { ", \($0.processors.count) processors" } ?? "") + ")"
        }
        if root.has("nodes") {
            let directory = file.contains("/") ? String(file[..<file.lastIndex(of: "/")!]) : "."
            let p = try PlatformFile.decode(root, designDirectory: directory) { path throws(ConfigError) in try DeviceCatalog.structuralFacts(path: path) }
            return "platform \(p.name ?? "") (\(p.platform.processors.count) processors, \(p.platform.topology?.links.count ?? 0) links)"
        }
        if root.has("scale_up") {
            let c = try ClusterSpec.decode(root)
            return "cluster \(c.name) (\(c.devicesPerNode) devices per node, scale-up \(c.scaleUp.devices) \(c.scaleUp.topology.rawValue), \(c.scaleOut.count) scale-out tier\(c.scaleOut.count == 1 ? "" : "s"), up to \(c.maxDevices) devices)"
        }
        if root.has("hidden_size") || root.has("n_embd") || root.has("num_hidden_layers") {
            let m = try TransformerConfig.decode(root)
            return "model (\(m.modelType), \(m.layers) layers, hidden \(m.hiddenSize))"
        }
        throw ConfigError(file: file, path: "$", message: "not a hardware config (\"compute\"), workload trace (\"ops\"), model config (\"hidden_size\"), task graph (\"tasks\"), platform (\"nodes\"), cluster (\"scale_up\"), technology (\"wafer\"), memory table (\"memory_types\"), model parameters (\"compute_overhead_factor\") or TCO file (\"finance\")")
    }
}
