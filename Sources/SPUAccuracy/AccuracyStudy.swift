import Foundation
import SPUCore

/// A recipe's accuracy on a sentence set against the fp32 reference: per-sentence embedding cosine,
/// rank agreement of the pairwise-similarity task, and quantisation SQNR of weights and activations.
public struct AccuracyReport: Sendable {
    public var recipe: EmulationRecipe
    public var sentences: [String]
    public var tokenIDs: [[Int]]
    public var embeddings: [[Float]]
    public var referenceEmbeddings: [[Float]]
    /// cos(embedding, reference embedding) per sentence.
    public var cosines: [Double]
    /// Spearman correlation of all pairwise sentence similarities, recipe vs reference.
    public var similaritySpearman: Double
    /// Fraction of sentences whose nearest neighbour is the same as under the reference.
    public var nearestNeighbourAgreement: Double
    /// Fraction of paraphrase pairs (lines 2i, 2i+1) retrieved as each other's nearest neighbour.
    public var pairRecall: Double
    public var referencePairRecall: Double
    public var weightSQNR: [(name: String, db: Double)]
    public var activationSQNR: [(name: String, db: Double)]
    /// Wall time of the recipe's pass over the sentence set (weight quantisation included).
    public var seconds: Double

    public var minCosine: Double { cosines.min() ?? .nan }
    public var meanCosine: Double { cosines.isEmpty ? .nan : cosines.reduce(0, +) / Double(cosines.count) }

    public func jsonValue(includeEmbeddings: Bool) -> JSONValue {
        func number(_ x: Double) -> JSONValue { x.isFinite ? .number(x) : .null }
        func list(_ xs: [(name: String, db: Double)]) -> JSONValue { .object(xs.map { ($0.name, number($0.db)) }) }
        var pairs: [(key: String, value: JSONValue)] = [
            ("recipe", .object([
                ("weights", .string(recipe.weights?.rawValue ?? "fp32")), ("activations", .string(recipe.activations?.rawValue ?? "fp32")),
                ("kv", .string(recipe.kv?.rawValue ?? "fp32")), ("accumulation", .string(recipe.accumulation.description)),
                ("accumulator_bits", recipe.accumulatorBits.map { .number(Double($0)) } ?? .null),
                ("scaling", .string("scalar formats: per-tensor absmax; block formats: per 32 along the reduction"))])),
            ("sentences", .number(Double(sentences.count))),
            ("cosine_min", number(minCosine)), ("cosine_mean", number(meanCosine)),
            ("similarity_spearman", number(similaritySpearman)), ("nearest_neighbour_agreement", number(nearestNeighbourAgreement)),
            ("pair_recall", number(pairRecall)), ("reference_pair_recall", number(referencePairRecall)),
            ("seconds", number(seconds)),
            ("cosines", .array(cosines.map(number))),
            ("weight_sqnr_db", list(weightSQNR)), ("activation_sqnr_db", list(activationSQNR)),
        ]
        if includeEmbeddings {
            pairs.append(("token_ids", .array(tokenIDs.map { .array($0.map { .number(Double($0)) }) })))
            pairs.append(("embeddings", .array(embeddings.map { .array($0.map { .number(Double($0)) }) })))
        }
        return .object(pairs)
    }
}

public enum AccuracyStudy {
    /// Embeddings of every sentence under a recipe (sentences in parallel on `jobs` threads), the
    /// activation tally summed over them, and the encoder (for its weight SQNR).
    public static func embed(model: BertModel, recipe: EmulationRecipe, ids: [[Int]], jobs: Int = 2)
        throws(EmulationRecipe.RecipeError) -> (embeddings: [[Float]], tally: EmulatedEncoder.ActivationTally, encoder: EmulatedEncoder) {
        let encoder = try EmulatedEncoder(model: model, recipe: recipe)
        let results = ConcurrentSlots<([Float], EmulatedEncoder.ActivationTally)>(count: ids.count)
        let workers = max(1, min(jobs, ids.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var i = worker
            while i < ids.count {
                let r = encoder.embed(ids: ids[i])
                results.set(i, (r.embedding, r.tally))
                i += workers
            }
        }
        var tally = encoder.newTally()
        var embeddings: [[Float]] = []
        for r in results.values() { embeddings.append(r.0); tally.merge(r.1) }
        return (embeddings, tally, encoder)
    }

    /// Runs a recipe and the fp32 reference (or takes given reference embeddings) on the sentences.
    public static func run(model: BertModel, recipe: EmulationRecipe, sentences: [String], reference: [[Float]]? = nil, jobs: Int = 2)
        throws(EmulationRecipe.RecipeError) -> AccuracyReport {
        let ids = sentences.map(model.tokenizer.encode)
        let started = Date()
        let result = try embed(model: model, recipe: recipe, ids: ids, jobs: jobs)
        let seconds = Date().timeIntervalSince(started)
        let referenceEmbeddings: [[Float]]
        if let reference { referenceEmbeddings = reference }
        else if recipe == .fp32Reference { referenceEmbeddings = result.embeddings }
        else { referenceEmbeddings = try embed(model: model, recipe: .fp32Reference, ids: ids, jobs: jobs).embeddings }
        let e = result.embeddings
        let cosines = zip(e, referenceEmbeddings).map { SimilarityMetrics.cosine($0, $1) }
        let spearman = SimilarityMetrics.spearman(SimilarityMetrics.pairwiseSimilarities(e), SimilarityMetrics.pairwiseSimilarities(referenceEmbeddings))
        let nn = SimilarityMetrics.nearestNeighbours(e), nnRef = SimilarityMetrics.nearestNeighbours(referenceEmbeddings)
        let agreement = e.isEmpty ? 0 : Double(zip(nn, nnRef).filter { $0 == $1 }.count) / Double(e.count)
        var activations: [(name: String, db: Double)] = []
        let sites = EmulatedEncoder.ActivationSite.allCases
        for l in 0..<model.layers.count {
            for site in sites {
                let i = l * sites.count + site.rawValue
                activations.append(("layer\(l).\(site.name)", sqnr(result.tally.signal[i], result.tally.noise[i])))
            }
        }
        return AccuracyReport(
            recipe: recipe, sentences: sentences, tokenIDs: ids, embeddings: e, referenceEmbeddings: referenceEmbeddings, cosines: cosines,
            similaritySpearman: spearman, nearestNeighbourAgreement: agreement, pairRecall: SimilarityMetrics.pairRecall(e),
            referencePairRecall: SimilarityMetrics.pairRecall(referenceEmbeddings), weightSQNR: result.encoder.weightSQNR,
            activationSQNR: activations, seconds: seconds)
    }
}
