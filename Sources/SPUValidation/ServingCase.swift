import SPUCore
import SPUServing
import SPUWorkload

extension ValidationCase {
    /// One pool of a serving case: `replicas` instances of `tensorParallel` chips of `hardware`.
    public struct ServingPoolSpec: Sendable, Equatable {
        public var hardware: String
        public var tensorParallel: Int
        public var replicas: Int
    }

    /// A serving simulation as a validation case states it (`case.serving`, or its `relative_to`).
    ///
    /// The prefill (or only) pool runs on the case's top-level `hardware` (a `relative_to` block may
    /// name its own); `decode` makes the system disaggregated. `engine` names a host-overhead profile
    /// of `engines` (`name-version`, or `ideal`). Lengths are `LengthDistribution` specifications
    /// (`N`, `uniform:MIN:MAX`, `lognormal:MEDIAN:SIGMA[:MAX]`; trace files are not accepted here).
    public struct ServingCase: Sendable, Equatable {
        public var hardware: String
        public var model: String
        public var format: NumberFormat
        public var kvFormat: NumberFormat?
        public var tensorParallel: Int
        public var replicas: Int
        public var decode: ServingPoolSpec?
        public var engine: String
        public var engines: String
        public var batching: BatchingPolicy
        public var maxSequences: Int
        public var tokenBudget: Int
        public var memoryUtilization: Double
        public var inputTokens: String
        public var outputTokens: String
        public var requests: Int
        public var seed: UInt64
        /// How the requests arrive (`scenario`: one of `ServingRequests.keys`).
        public var scenario: ServingRequests

        /// The engine-profile file a case uses unless it names one (relative to the repository root).
        public static let defaultEngines = "configs/serving/engines.json"
        /// Requests per simulation (per trial for `max_rate`): enough for a percentile, few enough for a validation run.
        public static let requestRange = 10...200_000

        /// Decodes `r` strictly. `hardware` is the case's top-level hardware; `nested` is true for a
        /// `relative_to` block (which may name its own `hardware` and holds no `relative_to`).
        static func decode(_ r: JSONObjectReader, hardware: String, nested: Bool) throws(ConfigError) -> ServingCase {
            var keys = ["model", "format", "kv_format", "tensor_parallel", "replicas", "decode", "engine", "engines", "batching", "max_seqs",
                        "token_budget", "memory_utilization", "input_tokens", "output_tokens", "requests", "seed", "scenario"]
            keys += nested ? ["hardware"] : ["relative_to"]
            r.expecting(keys)
            let model = try r.string("model")
            var decode: ServingPoolSpec?
            if let d = try r.optionalObject("decode") {
                d.expecting(["hardware", "tensor_parallel", "replicas"])
                decode = ServingPoolSpec(hardware: try d.string("hardware"), tensorParallel: try d.optionalInt("tensor_parallel", in: WorkloadLimits.devices) ?? 1,
                                         replicas: try d.optionalInt("replicas", in: 1...4096) ?? 1)
                try d.finish()
            }
            let defaults = SchedulerOptions()
            func lengths(_ key: String, output: Bool) throws(ConfigError) -> String {
                let text = try r.string(key)
                guard !text.hasPrefix("csv:") else { throw r.fail(key, "trace files are not accepted in validation cases; use N, uniform:MIN:MAX or lognormal:MEDIAN:SIGMA[:MAX]") }
                do throws(ServingError) {
                    _ = try LengthDistribution.parse(text, output: output, maxTokens: WorkloadLimits.positions.upperBound)
                } catch {
                    throw r.fail(key, error.description)
                }
                return text
            }
            let c = ServingCase(
                hardware: nested ? try r.optionalString("hardware") ?? hardware : hardware,
                model: model,
                format: r.has("format") ? try r.choice("format", as: NumberFormat.self) : .bf16,
                kvFormat: r.has("kv_format") ? try r.choice("kv_format", as: NumberFormat.self) : nil,
                tensorParallel: try r.optionalInt("tensor_parallel", in: WorkloadLimits.devices) ?? 1,
                replicas: try r.optionalInt("replicas", in: 1...4096) ?? 1,
                decode: decode,
                engine: try r.string("engine"),
                engines: try r.optionalString("engines") ?? defaultEngines,
                batching: r.has("batching") ? try r.choice("batching", as: BatchingPolicy.self) : defaults.batching,
                maxSequences: try r.optionalInt("max_seqs", in: 1...65536) ?? defaults.maxSequences,
                tokenBudget: try r.optionalInt("token_budget", in: 1...(1 << 20)) ?? defaults.tokenBudget,
                memoryUtilization: try r.optionalNumber("memory_utilization", in: 0.01...1) ?? defaults.memoryUtilization,
                inputTokens: try lengths("input_tokens", output: false),
                outputTokens: try lengths("output_tokens", output: true),
                requests: try r.int("requests", in: requestRange),
                seed: UInt64(try r.optionalInt("seed", in: 0...Int.max) ?? 1),
                scenario: try decodeScenario(try r.object("scenario")))
            try r.finish()
            return c
        }

        static func decodeScenario(_ s: JSONObjectReader) throws(ConfigError) -> ServingRequests {
            s.expecting(ServingRequests.keys)
            let requests = try ServingRequests.decode(in: s)
            try s.finish()
            return requests
        }

        /// The case with its hardware, model and engine-file paths passed through `resolve`.
        func resolvingPaths(_ resolve: (String) -> String) -> ServingCase {
            var out = self
            out.hardware = resolve(hardware)
            out.model = resolve(model)
            out.engines = resolve(engines)
            out.decode?.hardware = resolve(decode?.hardware ?? "")
            return out
        }
    }
}
