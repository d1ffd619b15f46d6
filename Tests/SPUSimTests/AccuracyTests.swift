import Foundation
@testable import SPUAccuracy
import SPUCore
import SPUFormats
import Testing

/// The emulated BERT sentence encoder on the tiny random BERT of `scripts/make_tiny_bert.py`
/// (same architecture and files as all-MiniLM-L6-v2; the real weights stay out of git).
@Suite struct AccuracyTests {
    static let directory = Repo.dataFile("tiny-bert")

    struct Expected {
        var sentence: String
        var ids: [Int]
        var embedding: [Double]
    }

    static func expected() throws -> [Expected] {
        guard case let .array(items)? = try JSONParser.parse(try InputFile.readText(directory + "/expected.json"))["sentences"] else {
            Issue.record("expected.json has no sentences")
            return []
        }
        return items.map { item in
            var ids: [Int] = [], embedding: [Double] = []
            if case let .array(a)? = item["ids"] { for case let .number(n) in a { ids.append(Int(n)) } }
            if case let .array(a)? = item["embedding"] { for case let .number(n) in a { embedding.append(n) } }
            guard case let .string(s)? = item["sentence"] else { return Expected(sentence: "", ids: [], embedding: []) }
            return Expected(sentence: s, ids: ids, embedding: embedding)
        }
    }

    static func cosine(_ a: [Float], _ b: [Double]) -> Double { SimilarityMetrics.cosine(a, b.map { Float($0) }) }

    @Test func tokenizerMatchesTheNumpyReferenceIDs() throws {
        let model = try BertModel.load(directory: Self.directory)
        let expected = try Self.expected()
        #expect(expected.count == 6)
        for e in expected { #expect(model.tokenizer.encode(e.sentence) == e.ids, "\(e.sentence)") }
        // Accents stripped, upper case lowered, punctuation split off.
        #expect(WordPieceTokenizer.basicTokens("Café naïve, ZEBRA?") == ["cafe", "naive", ",", "zebra", "?"])
    }

    @Test func fp32ForwardPassMatchesTheNumpyReference() throws {
        let model = try BertModel.load(directory: Self.directory)
        let encoder = try EmulatedEncoder(model: model, recipe: .fp32Reference)
        for e in try Self.expected() {
            let embedding = encoder.embed(ids: e.ids).embedding
            #expect(embedding.count == 32)
            #expect(Self.cosine(embedding, e.embedding) >= 1 - 1e-5, "\(e.sentence)")
            let norm = embedding.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)   // L2-normalised
        }
    }

    @Test func narrowerFormatsLoseAccuracyInOrder() throws {
        let model = try BertModel.load(directory: Self.directory)
        let sentences = try Self.expected().map(\.sentence)
        let reference = try AccuracyStudy.embed(model: model, recipe: .fp32Reference, ids: sentences.map(model.tokenizer.encode), jobs: 1).embeddings
        func meanCosine(_ format: HardwareFormat) throws -> Double {
            try AccuracyStudy.run(model: model, recipe: .uniform(format), sentences: sentences, reference: reference, jobs: 1).meanCosine
        }
        let bf16 = try meanCosine(.bf16), fp8 = try meanCosine(.fp8E4M3), int4 = try meanCosine(.int4), pal16 = try meanCosine(.pal16)
        #expect(bf16 > 0.9999 && bf16 < 1)
        #expect(pal16 > 0.9999)
        #expect(fp8 < bf16 && fp8 > 0.98)
        #expect(int4 < fp8)
        let report = try AccuracyStudy.run(model: model, recipe: .uniform(.fp8E4M3), sentences: sentences, reference: reference, jobs: 1)
        // fp8-e4m3 keeps 3 mantissa bits: ~30 dB SQNR on Gaussian-like weights, never near bf16's ~50.
        for (_, db) in report.weightSQNR { #expect(db > 20 && db < 40) }
        #expect(report.activationSQNR.count == 2 * 8)
        #expect(report.similaritySpearman > 0.9)
    }

    @Test func emulationIsDeterministicAndIndependentOfThreads() throws {
        let model = try BertModel.load(directory: Self.directory)
        let ids = try Self.expected().map(\.ids)
        let recipe = EmulationRecipe(weights: .mxfp8, activations: .fp8E4M3, kv: .int8, accumulation: .exact)
        let a = try AccuracyStudy.embed(model: model, recipe: recipe, ids: ids, jobs: 1).embeddings
        let b = try AccuracyStudy.embed(model: model, recipe: recipe, ids: ids, jobs: 3).embeddings
        #expect(a == b)
    }

    @Test func vectorisedKernelsSumAsTheAccumulatorDefines() throws {
        // The fp32, binary64 and bounded fixed-point fast paths must give the bits of
        // `Accumulator.accumulate`, summed product by product in reduction order; a wide bounded
        // register gives the unbounded result.
        let model = try BertModel.load(directory: Self.directory)
        let ids = try Self.expected()[0].ids
        let fast = try EmulatedEncoder(model: model, recipe: .uniform(.fp8E4M3, accumulation: .exact)).embed(ids: ids).embedding
        let bounded = try EmulatedEncoder(model: model, recipe: .uniform(.fp8E4M3, accumulation: .exact, accumulatorBits: 52)).embed(ids: ids).embedding
        #expect(SimilarityMetrics.cosine(fast, bounded) > 1 - 1e-9)
        let products: [Double] = (0..<40).map { Double(Float(sin(Double($0) * 1.3)) * Float(cos(Double($0) * 0.7))) }
        let ones = [Double](repeating: 1, count: products.count)
        var acc: Float = 0
        for p in products { acc += Float(p) }
        #expect(Accumulator(mode: .float32).accumulate(products, ones, operandMax: (1, 1)) == Double(acc))
        // The vectorised matmul (16 or 8 outputs per step, with tails) against the definition:
        // dequantised values for fp32 and binary64, codes and the tensor scales for a bounded register.
        let m = 7, k = 45, n = 37
        let a = QuantizedMatrix((0..<m * k).map { Float(sin(Double($0))) }, rows: m, cols: k, format: .bf16)
        let b = QuantizedMatrix((0..<n * k).map { Float(cos(Double($0) * 0.37)) }, rows: n, cols: k, format: .fp8E4M3)
        for accumulator in [Accumulator(mode: .float32), Accumulator(mode: .exact), Accumulator(mode: .exact, widthBits: 16),
                            Accumulator(mode: .exact, widthBits: 32), Accumulator(mode: .exact, widthBits: 60)] {
            let y = DotKernel.matmul(a, b, accumulator: accumulator)
            let bounded = accumulator.widthBits != nil
            for i in 0..<m {
                for j in 0..<n {
                    let x = (0..<k).map { Double(bounded ? a.codes[i * k + $0] : a.values[i * k + $0]) }
                    let w = (0..<k).map { Double(bounded ? b.codes[j * k + $0] : b.values[j * k + $0]) }
                    let sum = accumulator.accumulate(x, w, operandMax: (a.codeMax, b.codeMax)) * (bounded ? a.tensorScale * b.tensorScale : 1)
                    #expect(y[i * n + j] == Float(sum))
                }
            }
        }
        // A narrow register saturates: K = 2 unit products put the LSB at 2^(1 − 7).
        let narrow = Accumulator(mode: .exact, widthBits: 8)
        #expect(narrow.accumulate([100, 100], [1, 1], operandMax: (1, 1)) == 127.0 / 64)
    }

    @Test func logAccumulationNeedsLogFormatsAndBlockFormatsAreQuantisedPerBlock() throws {
        #expect(throws: EmulationRecipe.RecipeError.self) { try EmulationRecipe.uniform(.fp8E4M3, accumulation: .mitchell(biasCorrected: false)).validate() }
        #expect(throws: EmulationRecipe.RecipeError.self) { try EmulationRecipe.uniform(.bf16, accumulation: .float32, accumulatorBits: 32).validate() }
        try EmulationRecipe.uniform(.pal8, accumulation: .gaussianLog(fractionBits: 10)).validate()
        let model = try BertModel.load(directory: Self.directory)
        let ids = try Self.expected()[0].ids
        let mitchell = try EmulatedEncoder(model: model, recipe: .uniform(.pal8, accumulation: .mitchell(biasCorrected: true))).embed(ids: ids).embedding
        let exact = try EmulatedEncoder(model: model, recipe: .uniform(.pal8, accumulation: .exact)).embed(ids: ids).embedding
        let cos = SimilarityMetrics.cosine(mitchell, exact)
        #expect(cos > 0.9 && cos < 1)   // Mitchell's antilog error is visible but bounded
    }

    @Test func missingModelFilesAreNamed() {
        do {
            _ = try BertModel.load(directory: "/nonexistent-minilm")
            Issue.record("loading a missing directory succeeded")
        } catch {
            #expect(error.file == "/nonexistent-minilm/config.json")
            #expect(error.message.contains("no such file"))
        }
    }
}
