import SPUCore
import SPUHardware
import SPUWorkload

/// Prices a matmul op with the three parts of the mapper: the mapping space
/// (`MatmulMappingSpace`: spatial splits and the local tiling of each), the cost of one mapping
/// (`MatmulCostModel`: time on every resource and activity) and the search
/// (`MappingSearch`: the best mapping under the objective, within the budget).
struct MatmulModel {
    let geometry: DeviceGeometry
    let macArray: MACArraySpec
    let calibration: CalibrationSpec
    let search: MappingSearch

    struct Outcome {
        var mapping: Mapping
        var times: BoundTimes
        var activity: ActivityCounts
        var computeCycles: Double
        var candidatesEvaluated: Int
    }

    enum Failure: Error { case unsupportedFormat(NumberFormat) }

    /// The format the MAC array runs in: the inputs' format, or the wider when they differ.
    static func macFormat(_ op: Op) -> NumberFormat {
        let a = op.inputs[0].format, b = op.inputs[1].format
        return a.storageBits >= b.storageBits ? a : b
    }

    func evaluate(_ op: Op) throws(Failure) -> Outcome { try evaluate(op, OpFacts(op)) }

    /// `evaluate` of an op with its `OpFacts`.
    func evaluate(_ op: Op, _ facts: OpFacts) throws(Failure) -> Outcome {
        precondition(op.inputs.count == 2, "GEMMShape needs a two-input op")
        let shape = GEMMShape(batch: facts.gemmBatch, m: facts.gemmM, n: facts.gemmN, k: facts.gemmK)
        let format = Self.macFormat(op)
        let packing = macArray.packing(format)
        guard packing > 0 else { throw .unsupportedFormat(format) }
        let costModel = MatmulCostModel(op: op, facts: facts, shape: shape, format: format, geometry: geometry, macArray: macArray,
                                        calibration: calibration, packing: packing)
        let space = MatmulMappingSpace(shape: shape, units: geometry.units, localCapacityBytes: geometry.localCapacityBytes,
                                       arrayRows: costModel.rows, arrayCols: costModel.cols,
                                       aBytes: costModel.ea, bBytes: costModel.eb, outBytes: costModel.eo)
        let choice = search.best(in: space, costModel: costModel)
        return Outcome(mapping: choice.mapping, times: choice.cost.times, activity: choice.cost.activity,
                       computeCycles: choice.cost.computeCycles, candidatesEvaluated: choice.candidatesEvaluated)
    }
}
