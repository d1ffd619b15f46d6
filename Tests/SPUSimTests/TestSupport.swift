import Foundation
import SPUCore
import SPUFormats  // NumberFormat's cases (a default argument names one)
import SPUHardware
import SPUWorkload

/// Paths and loaders shared by the tests.
enum Repo {
    /// The repository root (tests read the shipped configs and models).
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static func files(in directory: String) -> [String] {
        let dir = path(directory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { dir + "/" + $0 }
    }

    static func device(_ relative: String) throws -> DeviceSpec { try DeviceSpec.load(path: path(relative)) }

    static func model(_ name: String) throws -> TransformerConfig { try TransformerConfig.load(path: path("workloads/models/\(name).json")) }

    static func transformer(_ name: String, phase: Phase, batch: Int, length: Int, tp: Int = 1, format: NumberFormat = .bf16) throws -> Workload {
        try TransformerGenerator(model: try model(name), modelName: name, format: format)
            .generate(phase: phase, batch: batch, sequenceLength: length, tensorParallel: tp)
    }

    static func dataFile(_ name: String) -> String {
        Bundle.module.url(forResource: "Data", withExtension: nil)!.appendingPathComponent(name).path
    }

    /// A temporary directory removed by the caller.
    /// Writes a small grid sweep of the edge SPU (`axes`: the JSON array of its axes) on one
    /// Llama-2-7B decode step with the H100 as baseline into `dir`, and returns the spec's path.
    static func writeEdgeSweep(in dir: URL, name: String, axes: String) throws -> String {
        let spec = """
            {"name": "\(name)", "base_design": "\(path("configs/chips/spu-edge-inference.json"))",
             "axes": \(axes),
             "workloads": [{"generate": {"model": "\(path("workloads/models/llama-2-7b.json"))", "phase": "decode", "batch": 1, "context": 128}}],
             "strategy": {"type": "grid"},
             "baselines": ["\(path("configs/gpus/h100-sxm.json"))"],
             "tech": "\(path("configs/tech"))", "tco": "\(path("configs/tco/default.json"))"}
            """
        let specPath = dir.appendingPathComponent("sweep.json").path
        try spec.write(toFile: specPath, atomically: true, encoding: .utf8)
        return specPath
    }

    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("spusim-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Edits a hardware JSON document by a dotted key path, for building variants in tests.
enum JSONEdit {
    static func set(_ value: JSONValue, at path: [String], in root: JSONValue) -> JSONValue {
        guard let key = path.first, case let .object(pairs) = root else { return value }
        var out = pairs
        if let index = out.firstIndex(where: { $0.key == key }) {
            out[index].value = set(value, at: Array(path.dropFirst()), in: out[index].value)
        } else {
            out.append((key, set(value, at: Array(path.dropFirst()), in: .object([]))))
        }
        return .object(out)
    }

    static func remove(_ path: [String], in root: JSONValue) -> JSONValue {
        guard let key = path.first, case let .object(pairs) = root else { return root }
        if path.count == 1 { return .object(pairs.filter { $0.key != key }) }
        return .object(pairs.map { $0.key == key ? ($0.key, remove(Array(path.dropFirst()), in: $0.value)) : $0 })
    }

    /// Loads a shipped config, applies edits, and decodes the result.
    static func variant(_ relative: String, _ edits: [([String], JSONValue)]) throws -> DeviceSpec {
        var value = try JSONParser.parse(String(contentsOfFile: Repo.path(relative), encoding: .utf8))
        for (path, newValue) in edits { value = set(newValue, at: path, in: value) }
        return try DeviceSpec.decode(text: JSONWriter.pretty(value), file: relative)
    }
}
