/// A precision recipe: the number formats a model's tensors are stored and computed in, as a
/// deployment chooses them (weights, activations at matmul inputs, KV cache) and, optionally, the
/// accumulation it requires. A workload is generated under one recipe; a design runs it when its MAC
/// array supports the recipe's compute format (and accumulation, when the recipe names one).
///
/// The matmul's MAC format is the wider of the weight and activation formats (a W4A16 recipe
/// multiplies in BF16 after dequantising the weights); the weights are stored, read and moved at
/// their own width. Non-matmul ops (norms, softmax, activations) run in the activation format.
///
/// Named recipes (`catalogue`) stand for deployments with a public source; any format name is the
/// uniform recipe of that format, and `w=F,a=F,kv=F[,acc=MODE[:BITS]]` spells any other.
public struct PrecisionRecipe: Sendable, Hashable, CustomStringConvertible {
    /// The recipe's name: a catalogue name, a format name (uniform recipe) or the inline spelling.
    public var name: String
    public var weights: HardwareFormat
    public var activations: HardwareFormat
    public var kvCache: HardwareFormat
    /// The accumulation the recipe requires (mode and register width); nil runs it with the
    /// accumulation the design declares for its compute format.
    public var accumulation: RequiredAccumulation?
    /// Where the recipe comes from (a deployment, a paper), or "assumption".
    public var source: String

    /// An accumulation requirement: the mode and, optionally, the accumulator width in bits.
    public struct RequiredAccumulation: Sendable, Hashable, CustomStringConvertible {
        /// The mode's spelling (`fp32`, `exact`, `gaussian-log-f10`, …; `AccumulationMode`).
        public var mode: String
        public var widthBits: Int?

        public init(mode: String, widthBits: Int? = nil) {
            self.mode = mode
            self.widthBits = widthBits
        }

        public var description: String { widthBits.map { "\(mode):\($0)" } ?? mode }
    }

    public init(name: String, weights: HardwareFormat, activations: HardwareFormat, kvCache: HardwareFormat,
                accumulation: RequiredAccumulation? = nil, source: String = "assumption") {
        self.name = name
        self.weights = weights
        self.activations = activations
        self.kvCache = kvCache
        self.accumulation = accumulation
        self.source = source
    }

    /// The uniform recipe of one format: weights, activations and KV cache all in `format`.
    public static func uniform(_ format: HardwareFormat) -> PrecisionRecipe {
        PrecisionRecipe(name: format.rawValue, weights: format, activations: format, kvCache: format,
                        source: "uniform: every tensor in \(format.rawValue)")
    }

    /// The format the MAC array multiplies in: the wider of the weight and activation formats.
    public var computeFormat: HardwareFormat {
        weights.storageBits > activations.storageBits ? weights : activations
    }

    /// Every format the recipe needs the MAC array to multiply in: the projections' format and the
    /// attention matmuls' (activations against the KV cache).
    public var macFormats: [HardwareFormat] {
        let attention = kvCache.storageBits > activations.storageBits ? kvCache : activations
        return attention == computeFormat ? [computeFormat] : [computeFormat, attention]
    }

    /// Whether every tensor is in one format and no accumulation is required.
    public var isUniform: Bool { weights == activations && activations == kvCache && accumulation == nil }

    /// `w=…,a=…,kv=…[,acc=…]`: the full spelling, which `parse` reads back to an equal recipe.
    public var spelling: String {
        "w=\(weights.rawValue),a=\(activations.rawValue),kv=\(kvCache.rawValue)" + (accumulation.map { ",acc=\($0)" } ?? "")
    }

    public var description: String { name == spelling ? name : "\(name) (\(spelling))" }

    /// Named recipes of public deployments. Uniform recipes of every format are also accepted by
    /// name (`pal8`, `fp8-e4m3`, …).
    public static let catalogue: [PrecisionRecipe] = [
        PrecisionRecipe(name: "bf16", weights: .bf16, activations: .bf16, kvCache: .bf16,
                        source: "BF16 serving, the default dtype of vLLM and TensorRT-LLM for Llama-family checkpoints"),
        PrecisionRecipe(name: "fp8", weights: .fp8E4M3, activations: .fp8E4M3, kvCache: .fp8E4M3,
                        source: "TensorRT-LLM FP8 (E4M3 weights and activations, per-tensor scales) with FP8 KV cache, as in the MLPerf Inference v4.1 H100/H200 Llama-2-70B submissions"),
        PrecisionRecipe(name: "fp8-kv16", weights: .fp8E4M3, activations: .fp8E4M3, kvCache: .bf16,
                        source: "vLLM quantization=fp8 with kv_cache_dtype=auto (E4M3 GEMMs, BF16 KV cache)"),
        PrecisionRecipe(name: "int8-w8a8", weights: .int8, activations: .int8, kvCache: .bf16,
                        source: "SmoothQuant W8A8 (Xiao et al., ICML 2023): INT8 GEMMs, FP16/BF16 KV cache"),
        PrecisionRecipe(name: "w4a16", weights: .int4, activations: .bf16, kvCache: .bf16,
                        source: "AWQ/GPTQ weight-only INT4 (Lin et al., MLSys 2024): INT4 weights dequantised to BF16 GEMMs"),
        PrecisionRecipe(name: "mxfp8", weights: .mxfp8, activations: .mxfp8, kvCache: .fp8E4M3,
                        source: "OCP Microscaling v1.0 MXFP8 (E4M3 elements, E8M0 scale per 32) GEMMs, FP8 KV cache (Rouhani et al., 2023)"),
        PrecisionRecipe(name: "mxfp4", weights: .mxfp4, activations: .mxfp4, kvCache: .fp8E4M3,
                        source: "OCP MXFP4 W4A4 GEMMs (Blackwell FP4 tensor cores; NVIDIA's NVFP4 uses an E4M3 scale per 16 and is not modelled), FP8 KV cache"),
        PrecisionRecipe(name: "pal8", weights: .pal8, activations: .pal8, kvCache: .pal8,
                        source: "assumption: every tensor in the PAL8 stand-in (lns8f3), the SPU's 8-bit log recipe"),
        PrecisionRecipe(name: "pal16", weights: .pal16, activations: .pal16, kvCache: .pal16,
                        source: "assumption: every tensor in the PAL16 stand-in (lns16f8, Lemurian's public LNS16)"),
    ]

    /// A recipe by name or spelling: a catalogue name, a format name (uniform recipe), or
    /// `w=F,a=F,kv=F[,acc=MODE[:BITS]]` (keys in any order; `kv` defaults to `a`). Nil with a reason.
    public static func parse(_ text: String) -> Result<PrecisionRecipe, RecipeError> {
        let trimmed = text.trimmed(" ")
        if let named = catalogue.first(where: { $0.name == trimmed }) { return .success(named) }
        if let format = HardwareFormat(rawValue: trimmed) { return .success(.uniform(format)) }
        guard trimmed.contains("=") else {
            return .failure(RecipeError("unknown recipe '\(trimmed)': give a recipe name (\(catalogue.map(\.name).joined(separator: ", "))), "
                                        + "a format name (\(HardwareFormat.allCases.map(\.rawValue).joined(separator: ", "))) or w=F,a=F,kv=F[,acc=MODE[:BITS]]"))
        }
        var fields: [String: String] = [:]
        for part in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { String($0).trimmed(" ") }
            guard pieces.count == 2, ["w", "a", "kv", "acc"].contains(pieces[0]) else {
                return .failure(RecipeError("recipe '\(trimmed)': '\(part)' is not one of w=F, a=F, kv=F, acc=MODE[:BITS]"))
            }
            guard fields.updateValue(pieces[1], forKey: pieces[0]) == nil else {
                return .failure(RecipeError("recipe '\(trimmed)': '\(pieces[0])' is given twice"))
            }
        }
        func format(_ key: String) -> Result<HardwareFormat, RecipeError> {
            guard let name = fields[key] else { return .failure(RecipeError("recipe '\(trimmed)': needs \(key)=FORMAT")) }
            guard let f = HardwareFormat(rawValue: name) else {
                return .failure(RecipeError("recipe '\(trimmed)': unknown format '\(name)' for \(key) (known: \(HardwareFormat.allCases.map(\.rawValue).joined(separator: ", ")))"))
            }
            return .success(f)
        }
        let w: HardwareFormat, a: HardwareFormat
        switch (format("w"), format("a")) {
        case let (.success(x), .success(y)): (w, a) = (x, y)
        case let (.failure(e), _), let (_, .failure(e)): return .failure(e)
        }
        var kv = a
        if fields["kv"] != nil {
            switch format("kv") { case let .success(f): kv = f; case let .failure(e): return .failure(e) }
        }
        var accumulation: RequiredAccumulation?
        if let acc = fields["acc"] {
            let pieces = acc.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard pieces.count <= 2, AccumulationMode(pieces[0]) != nil else {
                return .failure(RecipeError("recipe '\(trimmed)': unknown accumulation '\(acc)' (fp32, exact, mitchell, mitchell-corrected, gaussian-log-fN, remainder-binning, optionally :BITS)"))
            }
            var width: Int?
            if pieces.count == 2 {
                guard let bits = Int(pieces[1]), (8...512).contains(bits) else {
                    return .failure(RecipeError("recipe '\(trimmed)': accumulator width '\(pieces[1])' must be an integer from 8 to 512 bits"))
                }
                width = bits
            }
            accumulation = RequiredAccumulation(mode: pieces[0], widthBits: width)
        }
        var recipe = PrecisionRecipe(name: trimmed, weights: w, activations: a, kvCache: kv, accumulation: accumulation, source: "spelled inline")
        recipe.name = recipe.spelling
        if recipe.isUniform { return .success(.uniform(w)) }
        return .success(recipe)
    }
}

/// Why a recipe name or spelling was refused.
public struct RecipeError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

private extension String {
    func trimmed(_ set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
