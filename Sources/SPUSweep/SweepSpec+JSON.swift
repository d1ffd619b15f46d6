import Foundation
import SPUAccuracy
import SPUCore
import SPUCost
import SPUFormats
import SPUHardware
import SPUServing
import SPUWorkload

extension SweepSpec {
    /// Loads and validates a sweep file. Paths inside it are relative to the current directory.
    ///
    /// `loadingAccuracyModel` false checks an `accuracy` block's keys without loading the model
    /// (`spusim validate`: a config is valid whether or not the 90 MB model is installed); such a
    /// spec has no accuracy oracle and cannot run.
    public static func load(path: String, loadingAccuracyModel: Bool = true) throws(SweepError) -> SweepSpec {
        do {
            return try decode(try InputFile.readJSONObject(path), loadingAccuracyModel: loadingAccuracyModel)
        } catch let error as SweepError {
            throw error
        } catch let error as ConfigError {
            throw .config(error)
        } catch let error as JSONPathError {
            throw SweepError(error)
        } catch {
            throw .message("\(path): \(error)")
        }
    }

    static func decode(_ r: JSONObjectReader, loadingAccuracyModel: Bool = true) throws -> SweepSpec {
        r.expecting(["name", "description", "base_design", "axes", "workloads", "constraints", "strategy", "baselines", "tech", "tco",
                     "store_op_results", "mapping_objective", "serving", "training", "recipes", "accuracy", "source"])
        let file = r.file
        func fail(_ path: String, _ message: String) -> SweepError { .config(ConfigError(file: file, path: path, message: message)) }
        let name = try r.string("name")
        let description = try r.optionalString("description")
        _ = try r.optionalString("source")   // why these axes and ranges (documentation only)
        var inlined: [(key: String, value: JSONValue)] = [("name", .string(name))]

        // Base design: a path or an inline object.
        let baseValue = try r.value("base_design")
        let base: JSONValue
        switch baseValue {
        case let .string(designPath):
            base = try JSONObjectReader.document(file: designPath, text: try InputFile.readText(designPath)).value
            _ = try DeviceSpec.load(path: designPath)
        case .object:
            base = baseValue
            _ = try DeviceSpec.decode(JSONObjectReader(file: file, path: r.childPath("base_design"), value: baseValue))
        default:
            throw fail(r.childPath("base_design"), "must be a hardware file path or an inline hardware object")
        }
        inlined.append(("base_design", base))
        guard case let .string(baseName)? = base["name"] else { throw fail(r.childPath("base_design"), "has no name") }

        // Axes.
        var axes: [Axis] = []
        for (axisPath, axisValue) in try r.array("axes") {
            let a = try JSONObjectReader(file: file, path: axisPath, value: axisValue)
            if a.has("zip") {
                a.expecting(["zip"])
                var parameters: [Parameter] = []
                for (p, v) in try a.array("zip") {
                    parameters.append(try decodeParameter(try JSONObjectReader(file: file, path: p, value: v), base: base))
                }
                try a.finish()
                guard !parameters.isEmpty else { throw fail(a.childPath("zip"), "must list at least one parameter") }
                if let mismatch = parameters.first(where: { $0.values.count != parameters[0].values.count }) {
                    throw fail(a.childPath("zip"), "zipped parameters must have equal lengths: \(parameters[0].path) has \(parameters[0].values.count) values, \(mismatch.path) has \(mismatch.values.count)")
                }
                axes.append(Axis(parameters: parameters))
            } else {
                axes.append(Axis(parameters: [try decodeParameter(a, base: base)]))
            }
        }
        guard !axes.isEmpty else { throw fail(r.childPath("axes"), "must contain at least one axis") }
        var distinctPaths = Set<JSONPath>()
        for path in axes.flatMap({ $0.parameters.map(\.path) }) where !distinctPaths.insert(path).inserted {
            throw fail(r.childPath("axes"), "path \(path) appears in more than one axis")
        }
        inlined.append(("axes", try r.value("axes")))

        // Precision recipes (before the workloads they expand).
        let recipes = try r.optionalObject("recipes").map(decodeRecipes)
        if recipes != nil { inlined.append(("recipes", try r.value("recipes"))) }

        // Workloads (each once: the store keys results by design × workload content).
        var workloads: [WorkloadEntry] = []
        var workloadJSON: [JSONValue] = []
        var workloadPaths: [String: String] = [:]
        for (p, v) in try r.array("workloads") {
            let w = try JSONObjectReader(file: file, path: p, value: v)
            w.expecting(["trace", "generate", "weight"])
            let weight = w.has("weight") ? try w.number("weight", in: SweepLimits.workloadWeight) : 1
            let generated: [(workload: Workload, recipe: PrecisionRecipe?)]
            switch (w.has("trace"), w.has("generate")) {
            case (true, false):
                generated = [(try Workload.load(path: try w.string("trace")), nil)]
            case (false, true):
                generated = try decodeGenerator(try w.object("generate"), recipes: recipes?.candidates)
            default:
                throw fail(p, "needs exactly one of \"trace\" (a trace file) or \"generate\" (a generator spec)")
            }
            try w.finish()
            // Variants of one entry are alternatives when the sweep scores each design on its best recipe.
            let group: String? = generated.count > 1 && recipes?.selection != .all ? p : nil
            for (workload, recipe) in generated {
                let hash = workload.contentHash
                if let first = workloadPaths[hash] {
                    throw fail(p, "is the same workload as \(first) (identical content): list each workload once")
                }
                workloadPaths[hash] = p
                workloads.append(WorkloadEntry(workload: workload, weight: weight, hash: hash, recipe: recipe, recipeGroup: group))
                var entryJSON: [(key: String, value: JSONValue)] = [("workload", .string(hash)), ("weight", .number(weight))]
                if let group { entryJSON.append(("recipe_group", .string(group))) }
                workloadJSON.append(.object(entryJSON))
            }
        }
        guard !workloads.isEmpty else { throw fail(r.childPath("workloads"), "must contain at least one workload") }
        inlined.append(("workloads", .array(workloadJSON)))

        // Constraints.
        var constraints: [Constraint] = []
        if r.has("constraints") {
            for (p, v) in try r.array("constraints") {
                let c = try JSONObjectReader(file: file, path: p, value: v)
                c.expecting(["metric", "min", "max"])
                let subject: Constraint.Subject
                let name = try c.string("metric")
                do { subject = try Constraint.subject(named: name) } catch { throw fail(c.childPath("metric"), error.description) }
                let constraint = Constraint(subject: subject, min: try c.optionalNumber("min"), max: try c.optionalNumber("max"))
                if subject == .memoryFits {
                    guard constraint.min == nil, constraint.max == nil else { throw fail(p, "memory_fits takes no min or max") }
                } else {
                    guard constraint.min != nil || constraint.max != nil else { throw fail(p, "needs \"min\" and/or \"max\"") }
                    if let lo = constraint.min, let hi = constraint.max, lo > hi {
                        throw fail(p, "is impossible: min \(JSONWriter.formatNumber(lo)) exceeds max \(JSONWriter.formatNumber(hi))")
                    }
                }
                try c.finish()
                constraints.append(constraint)
            }
            inlined.append(("constraints", try r.value("constraints")))
        }

        // Strategy.
        let strategy: Strategy
        if let s = try r.optionalObject("strategy") {
            s.expecting(["type", "n", "seed", "objectives", "population", "generations"])
            let type = try s.string("type")
            switch type {
            case "grid":
                strategy = .grid
            case "random", "latin-hypercube":
                let n = try s.int("n", in: 1...SweepLimits.sampledPoints)
                let seed = UInt64(try s.nonNegativeInt("seed"))
                strategy = type == "random" ? .random(count: n, seed: seed) : .latinHypercube(count: n, seed: seed)
            case "nsga2":
                var objectives: [Objective] = []
                for (p, v) in try s.array("objectives") {
                    guard case let .string(text) = v else { throw fail(p, "must be a string like \"max:items_per_joule\"") }
                    do { objectives.append(try Objective(parsing: text)) } catch { throw fail(p, error.description) }
                }
                guard objectives.count >= 1 else { throw fail(s.childPath("objectives"), "must list at least one objective") }
                let population = try s.int("population", in: 1...SweepLimits.population)
                let generations = try s.int("generations", in: 1...SweepLimits.generations)
                guard let proposals = SweepLimits.product(population, generations + 1), proposals <= SweepLimits.nsga2Proposals else {
                    throw fail(s.childPath("generations"), "population × (generations + 1) must be at most \(SweepLimits.nsga2Proposals) proposals, got \(population) × \(generations + 1)")
                }
                strategy = .nsga2(objectives: objectives, population: population, generations: generations,
                                  seed: UInt64(try s.nonNegativeInt("seed")))
            default:
                throw fail(s.childPath("type"), "unknown strategy \"\(type)\" (expected one of: grid, random, latin-hypercube, nsga2)")
            }
            try s.finish()
            inlined.append(("strategy", try r.value("strategy")))
        } else {
            strategy = .grid
        }
        if strategy == .grid, SweepLimits.saturatingProduct(axes.map(\.count)) > SweepLimits.gridPoints {
            let points = axes.map { String($0.count) }.joined(separator: " × ")
            throw fail(r.childPath("axes"), "the grid has \(points) points, more than the \(SweepLimits.gridPoints) a grid may have; use a random, latin-hypercube or nsga2 strategy")
        }

        // Each value must give a valid design on its own (catches type and range mistakes early).
        // Linear in the values, on every core; the first invalid value in axis order is reported.
        // Checked after the grid's size, so an oversized grid is refused before any decoding.
        for axis in axes {
            let errors = parallelMap(Array(0..<axis.count), jobs: ProcessInfo.processInfo.activeProcessorCount) { index -> ConfigError? in
                var design = base
                for parameter in axis.parameters { design = parameter.path.setting(parameter.values[index], in: design) }
                do throws(ConfigError) {
                    try DeviceSpec.check(JSONObjectReader(file: "\(file) (axis \(axis.label) value \(index))", value: design))
                    return nil
                } catch {
                    return error
                }
            }
            if let index = errors.firstIndex(where: { $0 != nil }), let error = errors[index] {
                throw fail(r.childPath("axes"), "axis \(axis.label) value \(axis.parameters.map { $0.values[index].briefDescription }.joined(separator: ", ")) makes an invalid design: \(error.path): \(error.message)")
            }
        }

        // Baselines.
        var baselines: [DeviceSpec] = []
        var listedBaselines: [ListedBaseline] = []
        if r.has("baselines") {
            var baselinePaths: [String: String] = [:]
            for (p, v) in try r.array("baselines") {
                guard case let .string(path) = v else { throw fail(p, "must be a hardware file path") }
                let baseline = try DeviceSpec.load(path: path)
                if let first = baselinePaths[baseline.contentHash] {
                    throw fail(p, "is the same design as \(first) (identical content): list each baseline once")
                }
                baselinePaths[baseline.contentHash] = p
                baselines.append(baseline)
                listedBaselines.append(ListedBaseline(file: path, jsonPath: p, design: baseline))
            }
            inlined.append(("baselines", .array(baselines.map { .string($0.contentHash) })))
        }
        let tech = try r.optionalString("tech") ?? "configs/tech"
        let tco = try r.optionalString("tco") ?? "configs/tco/default.json"
        let storeOps = try r.bool("store_op_results", default: false)
        if storeOps { inlined.append(("store_op_results", .bool(true))) }
        let mappingObjective = r.has("mapping_objective") ? try r.choice("mapping_objective", as: MappingObjective.self) : nil
        if let mappingObjective { inlined.append(("mapping_objective", .string(mappingObjective.rawValue))) }
        var serving: ServingScenario?
        if let block = try r.optionalObject("serving") {
            let (scenario, canonicalBlock) = try decodeServing(block)
            serving = scenario
            inlined.append(("serving", canonicalBlock))
        }
        var training: Training?
        if let block = try r.optionalObject("training") {
            let (scenario, canonicalBlock) = try decodeTraining(block, baselines: listedBaselines)
            training = scenario
            inlined.append(("training", canonicalBlock))
        }
        // A constraint or objective on a scenario's metrics needs its block.
        let namedMetrics = constraints.compactMap { c -> Metric? in if case let .metric(m) = c.subject { return m }; return nil }
            + { if case let .nsga2(objectives, _, _, _) = strategy { return objectives.map(\.metric) }; return [] }()
            + { if case let .best(objective)? = recipes?.selection { return [objective.metric] }; return [] }()
        if training == nil, let metric = namedMetrics.first(where: { Self.trainingMetrics.contains($0.name) }) {
            throw fail(r.path, "names \(metric.name), a training-scenario metric: add a \"training\" block")
        }
        // Accuracy of recipe workloads (after everything that may name its metrics).
        var accuracy: AccuracyOracle?
        if let block = try r.optionalObject("accuracy") {
            if loadingAccuracyModel {
                let (oracle, canonicalBlock) = try decodeAccuracy(block)
                accuracy = oracle
                inlined.append(("accuracy", canonicalBlock))
            } else {
                block.expecting(["model_dir", "sentences"])
                _ = try block.optionalString("model_dir")
                _ = try block.optionalString("sentences")
                try block.finish()
                inlined.append(("accuracy", try r.value("accuracy")))
            }
        } else {
            let named = constraints.compactMap { c -> Metric? in if case let .metric(m) = c.subject { return m }; return nil }
                + { if case let .best(objective)? = recipes?.selection { return [objective.metric] }; return [] }()
            if let metric = named.first(where: { Self.accuracyMetrics.contains($0.name) }) {
                throw fail(r.path, "names \(metric.name), an accuracy metric: add an \"accuracy\" block ({} uses the installed all-MiniLM-L6-v2)")
            }
        }
        try r.finish()
        let canonical = JSONWriter.canonical(.object(inlined))
        return SweepSpec(name: name, description: description, file: file, baseDesign: base, baseDesignName: baseName, axes: axes,
                         workloads: workloads, constraints: constraints, strategy: strategy, baselines: baselines,
                         techDirectory: tech, tcoFile: tco, storeOpResults: storeOps, mappingObjective: mappingObjective,
                         serving: serving, training: training, recipes: recipes, accuracy: accuracy, canonicalJSON: canonical)
    }

    private static func decodeParameter(_ a: JSONObjectReader, base: JSONValue) throws -> Parameter {
        a.expecting(["path", "values", "range", "log_range", "integer"])
        let path = try JSONPath(parsing: try a.string("path"))
        guard let current = path.value(in: base) else {
            throw SweepError.config(a.fail("path", "\(path) does not exist in the base design"))
        }
        // Integer fields (mesh rows, stacks, …) are found by probing: the design decoder rejects a
        // fractional value there. Generated values for them are rounded and de-duplicated.
        let integer = try a.bool("integer", default: {
            guard case let .number(n) = current else { return false }
            let probe = path.setting(.number(n + 0.5), in: base)
            do throws(ConfigError) {
                try DeviceSpec.check(JSONObjectReader(file: "", value: probe))
                return false
            } catch {
                return error.message.contains("integer")
            }
        }())
        var values: [JSONValue]
        let kinds = ["values", "range", "log_range"].filter(a.has)
        guard kinds.count == 1 else { throw SweepError.config(a.fail(nil, "needs exactly one of \"values\", \"range\" or \"log_range\"")) }
        switch kinds[0] {
        case "values":
            values = try a.array("values").map(\.value)
            guard values.count <= SweepLimits.valuesPerAxis else {
                throw SweepError.config(a.fail("values", "lists \(values.count) values; an axis may have at most \(SweepLimits.valuesPerAxis)"))
            }
        case "range":
            let r = try a.object("range")
            r.expecting(["start", "stop", "step"])
            let start = try r.number("start"), stop = try r.number("stop"), step = try r.positiveNumber("step")
            try r.finish()
            guard stop >= start else { throw SweepError.config(a.fail("range", "stop must not be below start")) }
            // Counted before anything is generated: ⌊(stop − start) / step⌋ + 1 (infinite when the
            // span overflows), and the loop below is bounded too, so no step can make it run away.
            let estimate = ((stop - start) / step).rounded(.down) + 1
            let tooMany = "gives \(estimate.isFinite ? JSONWriter.formatNumber(estimate) : "too many") values; an axis may have at most \(SweepLimits.valuesPerAxis) (raise step)"
            guard estimate.isFinite, estimate <= Double(SweepLimits.valuesPerAxis) else { throw SweepError.config(a.fail("range", tooMany)) }
            values = []
            var k = 0.0
            while start + k * step <= stop * (1 + 1e-12) + 1e-12 {
                guard values.count < SweepLimits.valuesPerAxis else { throw SweepError.config(a.fail("range", tooMany)) }
                values.append(.number(start + k * step))
                k += 1
            }
        default:
            let r = try a.object("log_range")
            r.expecting(["start", "stop", "count"])
            let start = try r.positiveNumber("start"), stop = try r.positiveNumber("stop")
            let count = try r.int("count", in: 1...SweepLimits.valuesPerAxis)
            try r.finish()
            values = (0..<count).map { i in
                .number(count == 1 ? start : start * pow(stop / start, Double(i) / Double(count - 1)))
            }
        }
        if integer, kinds[0] != "values" {
            values = values.map { if case let .number(n) = $0 { return .number(n.rounded()) }; return $0 }
            var seen = Set<String>()
            values = values.filter { seen.insert(JSONWriter.canonical($0)).inserted }
        }
        guard !values.isEmpty else { throw SweepError.config(a.fail(kinds[0], "is empty: an axis needs at least one value")) }
        // Distinct by canonical JSON (linear; also catches objects that differ only in key order).
        var distinct = Set<String>()
        for v in values where !distinct.insert(JSONWriter.canonical(v)).inserted {
            throw SweepError.config(a.fail(kinds[0], "lists \(v.briefDescription) twice: values must be distinct"))
        }
        for v in values {
            switch (current, v) {
            case (.number, .number), (.string, .string), (.bool, .bool): continue
            default:
                throw SweepError.config(a.fail(kinds[0], "value \(v.briefDescription) does not match the type of \(path) (\(current.typeName))"))
            }
        }
        try a.finish()
        return Parameter(path: path, values: values)
    }

    /// A generator spec, strictly: the keys allowed depend on the generator (`model`, `cnn` or
    /// `gemm_csv`), and an unknown or unused key (`tensor_paralel`, `context` for a prefill) is an
    /// error rather than a silent default.
    private static func decodeGenerator(_ g: JSONObjectReader, recipes: [PrecisionRecipe]?) throws -> [(workload: Workload, recipe: PrecisionRecipe?)] {
        let kinds = ["model", "cnn", "gemm_csv"].filter(g.has)
        guard kinds.count == 1 else {
            g.expecting(["model", "cnn", "gemm_csv"])
            throw SweepError.config(g.fail(nil, "needs exactly one of \"model\", \"cnn\" or \"gemm_csv\""))
        }
        let workload: Workload
        switch kinds[0] {
        case "model":
            g.expecting(["model", "phase", "batch", "context", "prompt", "tensor_parallel", "format", "kv_format", "recipe"])
            let modelPath = try g.string("model")
            let config = try TransformerConfig.load(path: modelPath)
            let phase = try g.choice("phase", as: Phase.self)
            // A prefill reads `prompt`, a decode `context`; the other one is refused as unknown.
            g.expecting(["model", "phase", "batch", phase == .prefill ? "prompt" : "context", "tensor_parallel", "format", "kv_format", "recipe"])
            if recipes != nil, let key = ["format", "kv_format", "recipe"].first(where: g.has) {
                throw SweepError.config(g.fail(key, "the sweep's \"recipes\" block sets the precision of generated transformers; remove \"\(key)\" here or drop the block"))
            }
            if g.has("recipe"), let key = ["format", "kv_format"].first(where: g.has) {
                throw SweepError.config(g.fail(key, "give either \"recipe\" or \"format\"/\"kv_format\", not both"))
            }
            let format = g.has("format") ? try g.choice("format", as: NumberFormat.self) : .bf16
            let batch = g.has("batch") ? try g.positiveInt("batch") : 1
            let length = phase == .prefill ? try g.positiveInt("prompt") : try g.positiveInt("context")
            let tp = g.has("tensor_parallel") ? try g.positiveInt("tensor_parallel") : 1
            let kv = g.has("kv_format") ? try g.choice("kv_format", as: NumberFormat.self) : nil
            let given = g.has("recipe") ? try decodeRecipe(g, key: "recipe") : nil
            try g.finish()
            let name = URL(fileURLWithPath: modelPath).deletingPathExtension().lastPathComponent
            let variants: [PrecisionRecipe?] = recipes ?? [given]
            var out: [(workload: Workload, recipe: PrecisionRecipe?)] = []
            for recipe in variants {
                let generator = recipe.map { TransformerGenerator(model: config, modelName: name, recipe: $0) }
                    ?? TransformerGenerator(model: config, modelName: name, format: format, kvFormat: kv)
                do {
                    out.append((try generator.generate(phase: phase, batch: batch, sequenceLength: length, tensorParallel: tp), recipe))
                } catch {
                    throw SweepError.config(g.fail(nil, error.description))
                }
            }
            return out
        case "cnn":
            g.expecting(["cnn", "batch", "format"])
            guard try g.string("cnn") == "resnet50" else { throw SweepError.config(g.fail("cnn", "unknown CNN (available: resnet50)")) }
            let format = g.has("format") ? try g.choice("format", as: NumberFormat.self) : .bf16
            let batch = g.has("batch") ? try g.positiveInt("batch") : 1
            try g.finish()
            do { workload = try CNNGenerator.resnet50(batch: batch, format: format) } catch { throw SweepError.config(g.fail("batch", error.description)) }
        default:
            g.expecting(["gemm_csv", "format"])
            let path = try g.string("gemm_csv")
            let format = g.has("format") ? try g.choice("format", as: NumberFormat.self) : .bf16
            try g.finish()
            workload = try GEMMListImporter.load(path: path, format: format)
        }
        return [(workload, nil)]
    }

    /// Metrics only an `accuracy` block measures.
    static let accuracyMetrics: Set<String> = ["embedding_cosine", "embedding_cosine_min", "similarity_spearman"]

    /// The `accuracy` block: `model_dir` (default `$SPUSIM_MINILM_DIR`, else `.cache/minilm`) and
    /// `sentences` (default the installation's `validation/accuracy/sentences.txt`). Its canonical
    /// form carries the weights' SHA-256 and the sentences, so the sweep's hash follows them.
    private static func decodeAccuracy(_ a: JSONObjectReader) throws -> (AccuracyOracle, JSONValue) {
        a.expecting(["model_dir", "sentences"])
        let directory = try a.optionalString("model_dir") ?? AccuracyOracle.Source.defaultModelDirectory()
        let sentences: String
        if let given = try a.optionalString("sentences") {
            sentences = given
        } else {
            do {
                sentences = try SPUSimHome.resolve(AccuracyOracle.Source.defaultSentencesFile, isDefault: true, what: "accuracy sentence set", option: "\"sentences\"")
            } catch {
                throw SweepError.config(a.fail("sentences", error.description))
            }
        }
        try a.finish()
        let oracle: AccuracyOracle
        do {
            oracle = try AccuracyOracle(source: .init(modelDirectory: directory, sentencesFile: sentences))
        } catch {
            throw SweepError.config(ConfigError(file: a.file, path: a.path, message: "\(error.file): \(error.message)"))
        }
        let weights = (directory as NSString).appendingPathComponent("model.safetensors")
        guard let data = FileManager.default.contents(atPath: weights) else {
            throw SweepError.config(ConfigError(file: a.file, path: a.path, message: "\(weights): cannot be read"))
        }
        let canonical = JSONValue.object([("model_sha256", .string(SHA256.hex(bytes: [UInt8](data)))),
                                          ("sentences", .array(oracle.sentences.map(JSONValue.string)))])
        return (oracle, canonical)
    }

    /// A recipe-valued key: a recipe name, a format name or `w=F,a=F,kv=F[,acc=MODE[:BITS]]`.
    private static func decodeRecipe(_ r: JSONObjectReader, key: String) throws -> PrecisionRecipe {
        try recipe(try r.string(key), at: r.childPath(key), file: r.file)
    }

    private static func recipe(_ text: String, at path: String, file: String) throws -> PrecisionRecipe {
        switch PrecisionRecipe.parse(text) {
        case let .success(recipe): return recipe
        case let .failure(error): throw SweepError.config(ConfigError(file: file, path: path, message: error.description))
        }
    }

    /// The `recipes` block: `candidates` (recipe names or spellings, distinct) and `select`
    /// (`all`, the default, or `best` with an `objective` such as `min:usd_per_million_items`).
    private static func decodeRecipes(_ r: JSONObjectReader) throws -> RecipeAxis {
        r.expecting(["candidates", "select", "objective"])
        var candidates: [PrecisionRecipe] = []
        for (p, v) in try r.array("candidates") {
            guard case let .string(text) = v else { throw SweepError.config(ConfigError(file: r.file, path: p, message: "must be a recipe name or spelling (a string)")) }
            let parsed = try recipe(text, at: p, file: r.file)
            if candidates.contains(where: { $0.spelling == parsed.spelling }) {
                throw SweepError.config(ConfigError(file: r.file, path: p, message: "lists recipe \(parsed.description) twice"))
            }
            candidates.append(parsed)
        }
        guard !candidates.isEmpty else { throw SweepError.config(r.fail("candidates", "must list at least one recipe")) }
        let select = r.has("select") ? try r.string("select") : "all"
        let selection: RecipeAxis.Selection
        switch select {
        case "all":
            guard !r.has("objective") else { throw SweepError.config(r.fail("objective", "only \"select\": \"best\" takes an objective")) }
            selection = .all
        case "best":
            let text = try r.string("objective")
            do { selection = .best(try Objective(parsing: text)) } catch { throw SweepError.config(r.fail("objective", error.description)) }
        default:
            throw SweepError.config(r.fail("select", "must be \"all\" (every recipe is a workload) or \"best\" (each design is scored on its best recipe), got \"\(select)\""))
        }
        try r.finish()
        return RecipeAxis(candidates: candidates, selection: selection)
    }
}
