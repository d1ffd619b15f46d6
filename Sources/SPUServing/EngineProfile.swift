import SPUCore

/// What a serving engine adds to each iteration beyond the kernels of SPUSim's op trace, named by
/// engine and version, with its source (`configs/serving/engines.json`): host time (scheduling,
/// input preparation, sampling, detokenisation; per iteration and per sequence in the batch) and
/// the engine's own per-layer cost (kernels the trace does not list, such as KV-cache writes and
/// unfused norms and rotary embeddings, and their launch gaps inside a CUDA graph).
///
///     engine time per iteration = perIterationSeconds + perSequenceSeconds · sequences
///                                 + perLayerSeconds · decoder layers
///
/// A serialised engine adds it to the device time (vLLM ≤ 0.5: the GPU waits while the CPU
/// schedules the next step); an overlapped engine (vLLM with async scheduling, SGLang's
/// overlap scheduler) prepares step n + 1 while the GPU runs step n, so an iteration takes
/// max(device time, host time).
public struct EngineProfile: Sendable, Equatable {
    public var name: String
    public var version: String
    public var perIterationSeconds: Double
    public var perSequenceSeconds: Double
    public var perLayerSeconds: Double
    public var overlapped: Bool
    public var source: String

    public init(name: String, version: String, perIterationSeconds: Double, perSequenceSeconds: Double, perLayerSeconds: Double = 0,
                overlapped: Bool, source: String) {
        self.name = name
        self.version = version
        self.perIterationSeconds = perIterationSeconds
        self.perSequenceSeconds = perSequenceSeconds
        self.perLayerSeconds = perLayerSeconds
        self.overlapped = overlapped
        self.source = source
    }

    /// `name-version`, how the command line names a profile.
    public var identifier: String { "\(name)-\(version)" }

    /// No host time at all: kernels back to back (the performance model alone).
    public static let ideal = EngineProfile(name: "ideal", version: "0", perIterationSeconds: 0, perSequenceSeconds: 0, overlapped: false,
                                            source: "no host overhead: the accelerator's kernels back to back")

    /// The engine's time in one iteration of `sequences` sequences through `layers` decoder layers.
    public func engineSeconds(sequences: Int, layers: Int) -> Double {
        perIterationSeconds + perSequenceSeconds * Double(sequences) + perLayerSeconds * Double(layers)
    }

    /// Wall time of an iteration whose kernels take `deviceSeconds`.
    public func iterationSeconds(deviceSeconds: Double, sequences: Int, layers: Int) -> Double {
        let engine = engineSeconds(sequences: sequences, layers: layers)
        return overlapped ? max(deviceSeconds, engine) : deviceSeconds + engine
    }

    /// Host times longer than this describe no real engine (a broken config).
    static let maximumSeconds = 1.0

    /// Reads `configs/serving/engines.json`: `{"engines": [{name, version, per_iteration_s,
    /// per_sequence_s, overlapped, source}]}`.
    public static func loadAll(path: String) throws(ServingError) -> [EngineProfile] {
        do throws(ConfigError) {
            let root = try JSONObjectReader.document(file: path, text: try InputFile.readText(path))
            root.expecting(["engines", "source"])
            _ = try root.optionalString("source")
            var profiles: [EngineProfile] = []
            for (itemPath, value) in try root.array("engines") {
                let e = try JSONObjectReader(file: path, path: itemPath, value: value)
                e.expecting(["name", "version", "per_iteration_s", "per_sequence_s", "per_layer_s", "overlapped", "source", "notes"])
                let profile = EngineProfile(
                    name: try e.string("name"), version: try e.string("version"),
                    perIterationSeconds: try e.number("per_iteration_s", in: 0...maximumSeconds),
                    perSequenceSeconds: try e.number("per_sequence_s", in: 0...maximumSeconds / 100),
                    perLayerSeconds: try e.number("per_layer_s", in: 0...maximumSeconds / 100),
                    overlapped: try e.bool("overlapped"), source: try e.source())
                _ = try e.optionalString("notes")
                try e.finish()
                guard !profiles.contains(where: { $0.identifier == profile.identifier }) else {
                    throw e.fail("name", "engine \(profile.identifier) is listed twice")
                }
                profiles.append(profile)
            }
            try root.finish()
            guard !profiles.isEmpty else { throw root.fail("engines", "lists no engine") }
            return profiles
        } catch {
            throw .input(error)
        }
    }

    /// The profile `name` names in the profiles file at `path` (`ideal` needs no file); an
    /// unknown name is `.invalid` with the names the file has.
    public static func named(_ name: String, inFile path: String) throws(ServingError) -> EngineProfile {
        if name == ideal.name || name == ideal.identifier { return ideal }
        let profiles = try loadAll(path: path)
        guard let found = find(name, in: profiles) else {
            throw .invalid("unknown engine \"\(name)\" (one of: ideal, \(profiles.map(\.identifier).joined(separator: ", ")); \(path))")
        }
        return found
    }

    /// The profile `name` names: `name-version` exactly, or a bare engine name for its last-listed version.
    public static func find(_ name: String, in profiles: [EngineProfile]) -> EngineProfile? {
        if name == ideal.name || name == ideal.identifier { return ideal }
        return profiles.first { $0.identifier == name } ?? profiles.last { $0.name == name }
    }
}
