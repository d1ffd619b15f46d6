import SPUCore

/// Reading and writing the JSON trace format (`docs/workload-format.md`).
extension Workload {
    public static let formatVersion = 1

    public static func load(path: String) throws(ConfigError) -> Workload {
        try decode(try InputFile.readJSONObject(path))
    }

    public static func decode(text: String, file: String) throws(ConfigError) -> Workload {
        try decode(try JSONObjectReader.document(file: file, text: text))
    }

    public static func decode(_ root: JSONObjectReader) throws(ConfigError) -> Workload {
        root.expecting(["format_version", "name", "description", "phase", "devices", "throughput", "provenance", "ops", "training"])
        let version = try root.int("format_version")
        guard version == formatVersion else {
            throw root.fail("format_version", "unsupported trace format version \(version) (this SPUSim reads version \(formatVersion))")
        }
        let name = try root.string("name")
        let description = try root.optionalString("description")
        let phase = try root.choice("phase", as: Phase.self)
        let devices = try root.optionalInt("devices", in: WorkloadLimits.devices) ?? 1
        let throughput = try root.object("throughput")
        throughput.expecting(["unit", "per_iteration"])
        let unit = try throughput.string("unit")
        let perIteration = try throughput.number("per_iteration", in: WorkloadLimits.itemsPerIteration)
        try throughput.finish()
        let provenance = try root.optionalString("provenance")
        let opValues = try root.array("ops")
        if opValues.isEmpty { throw root.fail("ops", "must contain at least one op") }
        var ops: [Op] = []
        var seen = Set<String>()
        for (path, value) in opValues {
            let op = try decodeOp(try JSONObjectReader(file: root.file, path: path, value: value), known: seen, devices: devices)
            guard seen.insert(op.name).inserted else {
                throw ConfigError(file: root.file, path: path + ".name", message: "duplicate op name \"\(op.name)\"")
            }
            ops.append(op)
        }
        var training: TrainingStep?
        if root.has("training") {
            guard phase == .training else { throw root.fail("training", "applies only to traces with phase \"training\", not \"\(phase.rawValue)\"") }
            training = try decodeTraining(try root.object("training"))
        }
        try root.finish()
        return Workload(name: name, description: description, phase: phase, devices: devices, throughputUnit: unit,
                        itemsPerIteration: perIteration, ops: ops, provenance: provenance, training: training)
    }

    private static func decodeTraining(_ r: JSONObjectReader) throws(ConfigError) -> TrainingStep {
        r.expecting(["micro_batch", "sequence_length", "recompute", "sequence_parallel", "model_flops", "memory"])
        let microBatch = try r.int("micro_batch", in: WorkloadLimits.batch)
        let sequence = try r.int("sequence_length", in: WorkloadLimits.sequenceLength)
        let recompute = try r.choice("recompute", as: Recomputation.self)
        let sequenceParallel = try r.bool("sequence_parallel", default: true)
        let modelFLOPs = try r.number("model_flops", in: WorkloadLimits.trainingFLOPs)
        let m = try r.object("memory")
        m.expecting(["weight_bytes", "gradient_bytes", "optimizer_state_bytes", "activation_bytes"])
        let memory = TrainingMemoryBytes(
            weightBytes: try m.number("weight_bytes", in: WorkloadLimits.trainingBytes),
            gradientBytes: try m.number("gradient_bytes", in: WorkloadLimits.trainingBytes),
            optimizerStateBytes: try m.number("optimizer_state_bytes", in: WorkloadLimits.trainingBytes),
            activationBytes: try m.number("activation_bytes", in: WorkloadLimits.trainingBytes))
        try m.finish()
        try r.finish()
        return TrainingStep(microBatch: microBatch, sequenceLength: sequence, recompute: recompute, sequenceParallel: sequenceParallel,
                            modelFLOPs: modelFLOPs, memory: memory)
    }

    private static func decodeOp(_ r: JSONObjectReader, known: Set<String>, devices: Int) throws(ConfigError) -> Op {
        r.expecting(["name", "kind", "repeat", "einsum", "dims", "inputs", "output", "ops_per_element", "group", "algorithm", "after", "fused"])
        let name = try r.string("name")
        let kind = try r.choice("kind", as: OpKind.self)
        let repeatCount = try r.optionalInt("repeat", in: WorkloadLimits.repeatCount) ?? 1
        let einsum = try r.string("einsum")
        let (inputDims, outputDims) = try parseEinsum(einsum, reader: r)

        // Sizes: every letter used must be given, and nothing else.
        var sizes: [Character: Int] = [:]
        let used = Set(inputDims.joined() + outputDims)
        for entry in try r.entries("dims") {
            guard entry.key.count == 1, let letter = entry.key.first, letter.isLetter, letter.isASCII else {
                throw ConfigError(file: r.file, path: entry.path, message: "dimension names are single ASCII letters, got \"\(entry.key)\"")
            }
            guard used.contains(letter) else {
                throw ConfigError(file: r.file, path: entry.path, message: "dimension \"\(letter)\" does not appear in einsum \"\(einsum)\"")
            }
            sizes[letter] = try JSONObjectReader.int(entry.value, in: WorkloadLimits.dimension, file: r.file, path: entry.path)
        }
        let space = sizes.values.reduce(1.0) { $0 * Double($1) }   // in Double: the check cannot overflow
        guard space <= Double(WorkloadLimits.opIterationSpace.upperBound) else {
            throw r.fail("dims", "the product of the dimension sizes (\(JSONWriter.formatNumber(space))) must be at most 2^62 = \(WorkloadLimits.opIterationSpace.upperBound)")
        }
        for letter in used.sorted() where sizes[letter] == nil {
            throw r.fail("dims", "missing size of dimension \"\(letter)\" used in einsum \"\(einsum)\"")
        }

        let inputValues = try r.array("inputs")
        guard inputValues.count == inputDims.count else {
            throw r.fail("inputs", "einsum \"\(einsum)\" has \(inputDims.count) input(s) but \(inputValues.count) are described")
        }
        var inputs: [TensorRef] = []
        for (index, item) in inputValues.enumerated() {
            inputs.append(try decodeTensor(try JSONObjectReader(file: r.file, path: item.path, value: item.value), dims: inputDims[index], isOutput: false))
        }
        let output = try decodeTensor(try r.object("output"), dims: outputDims, isOutput: true)

        // Kind-specific shape rules.
        switch kind {
        case .matmul:
            guard inputs.count == 2 else { throw r.fail("einsum", "a matmul has exactly two inputs, got \(inputs.count)") }
            let inputLetters = Set(inputDims[0] + inputDims[1])
            if let stray = outputDims.first(where: { !inputLetters.contains($0) }) {
                throw r.fail("einsum", "output dimension \"\(stray)\" appears in no input")
            }
        case .elementwise, .softmax, .norm:
            if let stray = inputDims.joined().first(where: { !outputDims.contains($0) }) {
                throw r.fail("einsum", "\(kind.rawValue) is pointwise: input dimension \"\(stray)\" must also be an output dimension")
            }
        case .embedding:
            guard inputs.count == 1, inputs[0].role == .weight else {
                throw r.fail("inputs", "an embedding has exactly one input, the table, with role \"weight\"")
            }
        case .allReduce, .allGather, .reduceScatter:
            guard inputs.count == 1 else { throw r.fail("inputs", "a collective has exactly one input") }
        }
        var opsPerElement: Double?
        if r.has("ops_per_element") {
            guard kind.isVector else { throw r.fail("ops_per_element", "applies only to elementwise, softmax, norm and embedding ops") }
            opsPerElement = try r.number("ops_per_element", in: WorkloadLimits.opsPerElement)
        }
        var group = 1
        if kind.isCollective {
            group = try r.int("group", in: WorkloadLimits.devices)
            guard group <= devices else { throw r.fail("group", "must not exceed the workload's devices (\(devices)), got \(group)") }
        } else if r.has("group") {
            throw r.fail("group", "applies only to collectives")
        }
        var algorithm = CollectiveAlgorithm.auto
        if r.has("algorithm") {
            guard kind.isCollective else { throw r.fail("algorithm", "applies only to collectives") }
            algorithm = try r.choice("algorithm", as: CollectiveAlgorithm.self)
            if algorithm == .lowLatency, kind != .allReduce { throw r.fail("algorithm", "low-latency applies only to all-reduce") }
        }
        var after: [String] = []
        if r.has("after") {
            for item in try r.array("after") {
                guard case let .string(producer) = item.value else {
                    throw ConfigError(file: r.file, path: item.path, message: "must be an op name, got \(item.value.briefDescription)")
                }
                guard known.contains(producer) else {
                    throw ConfigError(file: r.file, path: item.path, message: "no earlier op is named \"\(producer)\" (ops are listed producers first)")
                }
                after.append(producer)
            }
        }
        var fused = false
        if r.has("fused") {
            fused = try r.bool("fused", default: false)
            if fused, after.isEmpty { throw r.fail("fused", "a fused op runs in its producer's kernel, so it needs \"after\"") }
            if fused, kind.isCollective { throw r.fail("fused", "collectives are not fused") }
        }
        try r.finish()
        let op = Op(name: name, kind: kind, repeatCount: repeatCount, dims: sizes, inputs: inputs, output: output,
                    opsPerElement: opsPerElement, groupSize: group, collectiveAlgorithm: algorithm, after: after, fusedWithProducer: fused)
        // The generators' check, on the same limits: every field was range-checked above, so this never fires.
        if let violation = WorkloadLimits.check(op) { throw r.fail(nil, violation) }
        return op
    }

    private static func decodeTensor(_ r: JSONObjectReader, dims: [Character], isOutput: Bool) throws(ConfigError) -> TensorRef {
        r.expecting(isOutput ? ["name", "format"] : ["name", "format", "role", "resident_multiplier"])
        let name = try r.optionalString("name")
        let format = try r.choice("format", as: NumberFormat.self)
        var role = TensorRole.activation
        var multiplier = 1.0
        if !isOutput {
            if r.has("role") { role = try r.choice("role", as: TensorRole.self) }
            if r.has("resident_multiplier") {
                multiplier = try r.number("resident_multiplier", in: WorkloadLimits.residentMultiplier)
            }
        }
        try r.finish()
        return TensorRef(name: name, dims: dims, format: format, role: role, residentMultiplier: multiplier)
    }

    /// Splits `"ab,bc->ac"` into operand letter lists.
    static func parseEinsum(_ text: String, reader r: JSONObjectReader) throws(ConfigError) -> ([[Character]], [Character]) {
        let sides = text.split(separator: "-", omittingEmptySubsequences: false)
        guard sides.count == 2, sides[1].first == ">" else {
            throw r.fail("einsum", "must look like \"td,dn->tn\" (inputs, \"->\", output), got \"\(text)\"")
        }
        let output = Array(sides[1].dropFirst())
        let inputs = sides[0].split(separator: ",", omittingEmptySubsequences: false).map(Array.init)
        for operand in inputs + [output] {
            guard !operand.isEmpty else { throw r.fail("einsum", "has an empty operand in \"\(text)\"") }
            guard operand.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw r.fail("einsum", "operands are written with ASCII letters only, got \"\(text)\"")
            }
            guard Set(operand).count == operand.count else {
                throw r.fail("einsum", "repeated letter within one operand (diagonals are not supported) in \"\(text)\"")
            }
        }
        return (inputs, output)
    }

    // MARK: Writing

    /// The trace as a JSON value, in the documented format.
    public func jsonValue(includeProvenance: Bool = true) -> JSONValue {
        var root: [(key: String, value: JSONValue)] = [
            ("format_version", .number(Double(Self.formatVersion))),
            ("name", .string(name)),
        ]
        if let description { root.append(("description", .string(description))) }
        root.append(("phase", .string(phase.rawValue)))
        root.append(("devices", .number(Double(devices))))
        root.append(("throughput", .object([("unit", .string(throughputUnit)), ("per_iteration", .number(itemsPerIteration))])))
        if includeProvenance, let provenance { root.append(("provenance", .string(provenance))) }
        root.append(("ops", .array(ops.map(Self.jsonValue(of:)))))
        if let training {
            let m = training.memory
            root.append(("training", .object([
                ("micro_batch", .number(Double(training.microBatch))),
                ("sequence_length", .number(Double(training.sequenceLength))),
                ("recompute", .string(training.recompute.rawValue)),
                ("sequence_parallel", .bool(training.sequenceParallel)),
                ("model_flops", .number(training.modelFLOPs)),
                ("memory", .object([
                    ("weight_bytes", .number(m.weightBytes)), ("gradient_bytes", .number(m.gradientBytes)),
                    ("optimizer_state_bytes", .number(m.optimizerStateBytes)), ("activation_bytes", .number(m.activationBytes)),
                ])),
            ])))
        }
        return .object(root)
    }

    static func jsonValue(of op: Op) -> JSONValue {
        func tensor(_ t: TensorRef, isOutput: Bool) -> JSONValue {
            var pairs: [(key: String, value: JSONValue)] = []
            if let name = t.name { pairs.append(("name", .string(name))) }
            pairs.append(("format", .string(t.format.rawValue)))
            if !isOutput {
                if t.role != .activation { pairs.append(("role", .string(t.role.rawValue))) }
                if t.residentMultiplier != 1 { pairs.append(("resident_multiplier", .number(t.residentMultiplier))) }
            }
            return .object(pairs)
        }
        var letters: [Character] = []
        for letter in (op.inputs.flatMap(\.dims) + op.output.dims) where !letters.contains(letter) { letters.append(letter) }
        var pairs: [(key: String, value: JSONValue)] = [("name", .string(op.name)), ("kind", .string(op.kind.rawValue))]
        if op.repeatCount != 1 { pairs.append(("repeat", .number(Double(op.repeatCount)))) }
        pairs.append(("einsum", .string(op.einsum)))
        pairs.append(("dims", .object(letters.map { (String($0), .number(Double(op.dims[$0] ?? 1))) })))
        pairs.append(("inputs", .array(op.inputs.map { tensor($0, isOutput: false) })))
        pairs.append(("output", tensor(op.output, isOutput: true)))
        if op.kind.isVector, op.opsPerElement != op.kind.defaultOpsPerElement { pairs.append(("ops_per_element", .number(op.opsPerElement))) }
        if op.kind.isCollective { pairs.append(("group", .number(Double(op.groupSize)))) }
        if op.collectiveAlgorithm != .auto { pairs.append(("algorithm", .string(op.collectiveAlgorithm.rawValue))) }
        if !op.after.isEmpty { pairs.append(("after", .array(op.after.map { .string($0) }))) }
        if op.fusedWithProducer { pairs.append(("fused", .bool(true))) }
        return .object(pairs)
    }

    /// Canonical JSON without provenance; its SHA-256 identifies the workload.
    public var canonicalJSON: String { JSONWriter.canonical(jsonValue(includeProvenance: false)) }
    public var contentHash: String { SHA256.hex(canonicalJSON) }
}
