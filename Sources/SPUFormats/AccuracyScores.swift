/// How close a recipe keeps a real model's outputs to fp32 (SPUAccuracy's `AccuracyOracle`): plain numbers, so
/// results can carry them without the emulator.
public struct AccuracyScores: Sendable, Equatable {
    /// The recipe's name and the accumulator register it ran on.
    public var recipe: String
    public var accumulator: String
    /// Mean and minimum cosine similarity of the sentence embeddings to fp32's.
    public var embeddingCosine: Double
    public var embeddingCosineMin: Double
    /// Spearman correlation of all pairwise sentence similarities with fp32's.
    public var similaritySpearman: Double

    public init(recipe: String, accumulator: String, embeddingCosine: Double, embeddingCosineMin: Double, similaritySpearman: Double) {
        self.recipe = recipe
        self.accumulator = accumulator
        self.embeddingCosine = embeddingCosine
        self.embeddingCosineMin = embeddingCosineMin
        self.similaritySpearman = similaritySpearman
    }
}
